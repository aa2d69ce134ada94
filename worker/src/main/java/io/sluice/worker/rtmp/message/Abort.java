package io.sluice.worker.rtmp.message;

import io.netty.buffer.ByteBuf;

/** Protocol control message 2 (spec 5.4.2): drop the partial message on a chunk stream. */
public record Abort(int chunkStreamId) implements RtmpMessage {

    static Abort read(ByteBuf body) {
        ControlBodies.require(body, 4, "Abort");
        return new Abort(body.readInt());
    }

    void write(ByteBuf out) {
        out.writeInt(chunkStreamId);
    }
}
