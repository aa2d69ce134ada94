package io.sluice.worker.rtmp.message;

import io.netty.buffer.ByteBuf;

/**
 * Protocol control message 6 (spec 5.4.5): limit the peer's output bandwidth.
 *
 * @param limitType 0 hard, 1 soft, 2 dynamic
 */
public record SetPeerBandwidth(long size, int limitType) implements RtmpMessage {

    public static final int HARD = 0;
    public static final int SOFT = 1;
    public static final int DYNAMIC = 2;

    public SetPeerBandwidth {
        size &= 0xFFFF_FFFFL;
    }

    static SetPeerBandwidth read(ByteBuf body) {
        ControlBodies.require(body, 4, "Set Peer Bandwidth");
        long size = body.readUnsignedInt();
        // Some clients send only the 4-byte size; the limit type then defaults to dynamic.
        int limit = body.isReadable() ? body.readUnsignedByte() : DYNAMIC;
        return new SetPeerBandwidth(size, limit);
    }

    void write(ByteBuf out) {
        out.writeInt((int) size);
        out.writeByte(limitType);
    }
}
