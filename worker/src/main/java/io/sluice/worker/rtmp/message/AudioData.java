package io.sluice.worker.rtmp.message;

import io.netty.buffer.ByteBuf;

/** Audio message, type 8 (spec 7.1.4). */
public record AudioData(long timestamp, int streamId, ByteBuf payload) implements MediaMessage {

    public AudioData {
        timestamp &= 0xFFFF_FFFFL;
    }

    @Override
    public MessageType type() {
        return MessageType.AUDIO;
    }

    @Override
    public String toString() {
        return "AudioData[ts=" + timestamp + ", stream=" + streamId + ", length=" + payload.readableBytes() + ']';
    }
}
