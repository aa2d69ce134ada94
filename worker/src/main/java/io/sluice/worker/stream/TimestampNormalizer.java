package io.sluice.worker.stream;

/**
 * Keeps a stream's timestamps from going backwards, for every subscriber, across publishers.
 *
 * <p>The first publisher's timestamps pass through unchanged (players see what ffmpeg or OBS
 * sent, as with nginx-rtmp). When the name is published again, the new publisher usually
 * restarts at zero; its timestamps are shifted so the stream continues from where the last one
 * stopped, and players that stayed connected through UnpublishNotify see one timeline. Within
 * one publisher, a timestamp lower than the previous one of the same kind (audio, video, data)
 * is raised to it; kinds are clamped separately because encoders interleave audio and video
 * with small offsets that players expect.
 *
 * <p>Not thread-safe: used under the stream's lock.
 */
final class TimestampNormalizer {

    private static final long MASK = 0xFFFF_FFFFL;

    private final long[] last = {-1, -1, -1};
    private long latest = -1;
    private long offset;
    private boolean rebase;

    /** A new publisher takes over; its first timestamp continues the stream's timeline. */
    void newPublisher() {
        rebase = latest >= 0;
        last[0] = last[1] = last[2] = latest;
    }

    long normalize(MediaFrame.Kind kind, long timestamp) {
        if (rebase) {
            offset = latest - timestamp;
            rebase = false;
        }
        long out = Math.max(0, timestamp + offset);
        int k = kind.ordinal();
        if (out < last[k]) {
            out = last[k];
        }
        last[k] = out;
        if (out > latest) {
            latest = out;
        }
        return out & MASK;
    }
}
