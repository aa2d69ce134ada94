package io.sluice.worker.rtmp.message;

import io.netty.buffer.ByteBuf;

/** Video message, type 9 (spec 7.1.5). */
public record VideoData(long timestamp, int streamId, ByteBuf payload) implements MediaMessage {

    public VideoData {
        timestamp &= 0xFFFF_FFFFL;
    }

    @Override
    public MessageType type() {
        return MessageType.VIDEO;
    }

    @Override
    public String toString() {
        return "VideoData[ts=" + timestamp + ", stream=" + streamId + ", length=" + payload.readableBytes() + ']';
    }
}
