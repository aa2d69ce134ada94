package io.sluice.worker.rtmp.message;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtmp.RtmpProtocolException;

/** Length checks shared by the fixed-size control message bodies. */
final class ControlBodies {

    private ControlBodies() {
    }

    static void require(ByteBuf body, int bytes, String what) {
        if (body.readableBytes() < bytes) {
            throw new RtmpProtocolException(what + " with a " + body.readableBytes()
                    + "-byte body (needs " + bytes + ")");
        }
    }
}
