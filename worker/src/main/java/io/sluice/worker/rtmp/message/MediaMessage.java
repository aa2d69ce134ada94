package io.sluice.worker.rtmp.message;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * Audio or video: an FLV tag body carried unchanged (codecs pass through untouched). The
 * holder owns one reference to {@link #payload()}.
 */
public sealed interface MediaMessage extends RtmpMessage, ReferenceCounted permits AudioData, VideoData {

    /** Absolute timestamp in milliseconds, 0..2^32-1. */
    long timestamp();

    ByteBuf payload();

    /** {@link MessageType#AUDIO} or {@link MessageType#VIDEO}. */
    MessageType type();

    @Override
    default int refCnt() {
        return payload().refCnt();
    }

    @Override
    default MediaMessage retain() {
        payload().retain();
        return this;
    }

    @Override
    default MediaMessage retain(int increment) {
        payload().retain(increment);
        return this;
    }

    @Override
    default MediaMessage touch() {
        payload().touch();
        return this;
    }

    @Override
    default MediaMessage touch(Object hint) {
        payload().touch(hint);
        return this;
    }

    @Override
    default boolean release() {
        return payload().release();
    }

    @Override
    default boolean release(int decrement) {
        return payload().release(decrement);
    }
}
