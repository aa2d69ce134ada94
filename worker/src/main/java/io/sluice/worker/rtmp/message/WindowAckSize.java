package io.sluice.worker.rtmp.message;

import io.netty.buffer.ByteBuf;

/** Protocol control message 5 (spec 5.4.4): acknowledge after this many bytes. */
public record WindowAckSize(long size) implements RtmpMessage {

    public WindowAckSize {
        size &= 0xFFFF_FFFFL;
    }

    static WindowAckSize read(ByteBuf body) {
        ControlBodies.require(body, 4, "Window Acknowledgement Size");
        return new WindowAckSize(body.readUnsignedInt());
    }

    void write(ByteBuf out) {
        out.writeInt((int) size);
    }
}
