package io.sluice.master.process;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * When to start a worker slot again after its worker failed, and when to give up.
 *
 * <p>The first failure in a while is respawned at once (a killed worker should be back in well
 * under a second); repeated failures back off exponentially from 100 ms up to 5 s; and
 * {@code maxFailures} within {@code window} mark a crash loop, which stops respawning that slot
 * (the cause will not fix itself, and a loop of JVM starts would eat the CPU the other workers
 * need). Not thread-safe: used on the master loop.
 */
final class RespawnPolicy {

    static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final Deque<Long> failures = new ArrayDeque<>();
    private int maxFailures;
    private long windowNanos;

    RespawnPolicy(int maxFailures, Duration window) {
        configure(maxFailures, window);
    }

    void configure(int maxFailures, Duration window) {
        this.maxFailures = maxFailures;
        this.windowNanos = window.toNanos();
    }

    /** Records a failure at {@code nowNanos}; returns how many fell within the window. */
    int recordFailure(long nowNanos) {
        failures.addLast(nowNanos);
        while (!failures.isEmpty() && nowNanos - failures.peekFirst() > windowNanos) {
            failures.removeFirst();
        }
        return failures.size();
    }

    boolean crashLoop() {
        return failures.size() >= maxFailures;
    }

    /** Delay before the next start, given the failures in the window. */
    Duration backoff() {
        int recent = failures.size();
        if (recent <= 1) {
            return Duration.ZERO;
        }
        long millis = FIRST_BACKOFF.toMillis() << Math.min(recent - 2, 10);
        return Duration.ofMillis(Math.min(millis, MAX_BACKOFF.toMillis()));
    }

    int maxFailures() {
        return maxFailures;
    }

    Duration window() {
        return Duration.ofNanos(windowNanos);
    }
}
