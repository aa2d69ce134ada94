package io.sluice.bench;

import io.netty.util.concurrent.FastThreadLocal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Counters of the players served by one event loop thread, written only by that thread and read
 * through a task on it ({@link LoadGenerator} snapshots them that way), so the hot path has no
 * atomics.
 */
final class ThreadStats {

    static final List<ThreadStats> ALL = new CopyOnWriteArrayList<>();
    private static final FastThreadLocal<ThreadStats> CURRENT = new FastThreadLocal<>() {
        @Override
        protected ThreadStats initialValue() {
            ThreadStats s = new ThreadStats();
            ALL.add(s);
            return s;
        }
    };

    static ThreadStats current() {
        return CURRENT.get();
    }

    long videoFrames;
    long audioFrames;
    long mediaBytes;
    long stalls;
    long latencyMisses;
    /** Latency of video messages in microseconds, while {@link LoadGenerator} measures. */
    final Histogram latency = new Histogram();
    /** Latency of audio and video messages in microseconds, beside {@link #latency}. */
    final Histogram latencyAll = new Histogram();

    /** A copy, to be taken on the owning thread. */
    Snapshot snapshot() {
        return new Snapshot(videoFrames, audioFrames, mediaBytes, stalls, latencyMisses, latency.copy(),
                latencyAll.copy());
    }

    record Snapshot(long videoFrames, long audioFrames, long mediaBytes, long stalls, long latencyMisses,
                    Histogram latency, Histogram latencyAll) {
    }
}
