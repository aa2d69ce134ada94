package io.sluice.worker.rtmp.message;

import io.netty.buffer.ByteBuf;

/**
 * Protocol control message 3 (spec 5.4.3): the number of bytes received so far, sent each
 * time another window's worth has arrived. The count wraps at 2^32.
 */
public record Acknowledgement(long sequenceNumber) implements RtmpMessage {

    public Acknowledgement {
        sequenceNumber &= 0xFFFF_FFFFL;
    }

    static Acknowledgement read(ByteBuf body) {
        ControlBodies.require(body, 4, "Acknowledgement");
        return new Acknowledgement(body.readUnsignedInt());
    }

    void write(ByteBuf out) {
        out.writeInt((int) sequenceNumber);
    }
}
