package io.sluice.worker.rtmp.message;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtmp.RtmpProtocolException;

/** Protocol control message 1 (spec 5.4.1): the sender's chunk size from now on. */
public record SetChunkSize(int size) implements RtmpMessage {

    public SetChunkSize {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be 1..2^31-1: " + size);
        }
    }

    static SetChunkSize read(ByteBuf body) {
        ControlBodies.require(body, 4, "Set Chunk Size");
        int size = body.readInt();
        if (size < 1) {
            throw new RtmpProtocolException("invalid chunk size " + Integer.toUnsignedString(size));
        }
        return new SetChunkSize(size);
    }

    void write(ByteBuf out) {
        out.writeInt(size);
    }
}
