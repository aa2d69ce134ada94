package io.sluice.worker.stream;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The stream from its last video key frame on, so that a new player starts decoding at once
 * instead of waiting up to a GOP for the next key frame (nginx-rtmp's weakness; SRS's
 * {@code gop_cache}). Audio and data frames after the key frame are kept too, in order.
 *
 * <p>Bounded in frames and bytes: past either bound the cache is emptied and stays empty
 * until the next key frame (a stream whose key frames are too far apart is served like one
 * without a cache: new players wait for a key frame). Not thread-safe: used under the stream's
 * lock. Holds one reference to each cached frame.
 */
final class GopCache {

    private final ArrayDeque<MediaFrame> frames = new ArrayDeque<>();
    private long bytes;
    private boolean open;
    private boolean enabled;
    private int maxFrames;
    private long maxBytes;

    GopCache(boolean enabled, int maxFrames, long maxBytes) {
        configure(enabled, maxFrames, maxBytes);
    }

    /** Applies new bounds; a cache that is switched off or now over a bound is emptied. */
    void configure(boolean enabled, int maxFrames, long maxBytes) {
        this.enabled = enabled;
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
        if (!enabled || frames.size() > maxFrames || bytes > maxBytes) {
            clear();
        }
    }

    void add(MediaFrame frame) {
        if (!enabled || frame.isConfiguration() || frame.isMetadata()) {
            return; // configuration records are kept by the stream, not in the GOP
        }
        if (frame.isKeyframe()) {
            clear();
            open = true;
        } else if (!open) {
            return;
        }
        if (frames.size() + 1 > maxFrames || bytes + frame.size() > maxBytes) {
            clear();
            return;
        }
        frames.addLast(frame.retain());
        bytes += frame.size();
    }

    /** Adds the cached frames to {@code into}, each retained for the caller. */
    void snapshot(List<MediaFrame> into) {
        for (MediaFrame f : frames) {
            into.add(f.retain());
        }
    }

    /** Drops everything; caching resumes at the next key frame. */
    void clear() {
        MediaFrame f;
        while ((f = frames.pollFirst()) != null) {
            f.release();
        }
        bytes = 0;
        open = false;
    }

    int frameCount() {
        return frames.size();
    }

    long byteCount() {
        return bytes;
    }
}
