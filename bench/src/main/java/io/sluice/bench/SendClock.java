package io.sluice.bench;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When the publisher wrote each video message (and, with {@code audioToo}, each audio message),
 * by its timestamp, so a player's latency is its receive time minus the send time of the same
 * message: what the server and the loopback add, without the publisher's own pacing error. The
 * publisher writes, players read (other threads). Video timestamps of one stream are distinct, and
 * 65 s of them fit before a slot is reused. An audio and a video message with the same timestamp
 * leave in the same publisher tick; the first one's send time is kept for both.
 */
final class SendClock {

    private static final int SLOTS = 1 << 16;
    private static final int MASK = SLOTS - 1;

    private final AtomicLongArray timestamps = new AtomicLongArray(SLOTS);
    private final AtomicLongArray nanos = new AtomicLongArray(SLOTS);
    private final boolean audioToo;

    SendClock() {
        this(false);
    }

    SendClock(boolean audioToo) {
        this.audioToo = audioToo;
    }

    /** Records a message of FLV tag type {@code type} (8 audio, 9 video; others are ignored). */
    void sent(int type, long timestamp, long nanoTime) {
        if (type == MediaSummary.VIDEO || audioToo && type == MediaSummary.AUDIO) {
            if (!audioToo || sentAt(timestamp) == 0) {
                sent(timestamp, nanoTime);
            }
        }
    }

    void sent(long timestamp, long nanoTime) {
        int slot = (int) (timestamp & MASK);
        nanos.set(slot, nanoTime);
        timestamps.set(slot, timestamp + 1); // +1: 0 means empty
    }

    /** When the message with this timestamp was sent; 0 when unknown. */
    long sentAt(long timestamp) {
        int slot = (int) (timestamp & MASK);
        long n = nanos.get(slot);
        return timestamps.get(slot) == timestamp + 1 ? n : 0;
    }
}
