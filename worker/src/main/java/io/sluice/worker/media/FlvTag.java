package io.sluice.worker.media;

import io.netty.buffer.ByteBuf;

import java.util.Objects;

/**
 * One FLV tag: its type, its timestamp and its body, which is exactly the payload of the RTMP
 * message of the same type.
 *
 * <p>Ownership: whoever receives an {@code FlvTag} from {@link FlvReader#next()} owns
 * {@link #payload()} and must release it (or hand it on).
 *
 * @param type      {@link #AUDIO} (8), {@link #VIDEO} (9) or {@link #SCRIPT} (18)
 * @param timestamp milliseconds, an unsigned 32-bit value held in an {@code int} (FLV's 24-bit
 *                  timestamp with the TimestampExtended byte as its top 8 bits)
 * @param payload   the tag body
 */
public record FlvTag(int type, int timestamp, ByteBuf payload) {

    /** Tag type of audio data (RTMP message type 8). */
    public static final int AUDIO = 8;
    /** Tag type of video data (RTMP message type 9). */
    public static final int VIDEO = 9;
    /** Tag type of script data, e.g. {@code onMetaData} (RTMP AMF0 data message, type 18). */
    public static final int SCRIPT = 18;

    public FlvTag {
        checkType(type);
        Objects.requireNonNull(payload, "payload");
    }

    /** The timestamp as the unsigned value it is. */
    public long unsignedTimestamp() {
        return Integer.toUnsignedLong(timestamp);
    }

    /** Releases the payload; convenience for {@code payload().release()}. */
    public boolean release() {
        return payload.release();
    }

    static void checkType(int type) {
        if (type != AUDIO && type != VIDEO && type != SCRIPT) {
            throw new IllegalArgumentException("FLV tag type " + type + " is not audio (8), video (9) or script (18)");
        }
    }
}
