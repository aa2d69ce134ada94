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
 * need). The limits are passed with each failure rather than kept, so a reload that changes
 * {@code worker.respawn_*} applies to the slots that run (in place, as documented). Not
 * thread-safe: used on the master loop.
 */
final class RespawnPolicy {

    static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final Deque<Long> failures = new ArrayDeque<>();

    /** Records a failure at {@code nowNanos}; returns how many fell within {@code window}. */
    int recordFailure(long nowNanos, Duration window) {
        failures.addLast(nowNanos);
        long windowNanos = window.toNanos();
        while (!failures.isEmpty() && nowNanos - failures.peekFirst() > windowNanos) {
            failures.removeFirst();
        }
        return failures.size();
    }

    boolean crashLoop(int maxFailures) {
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
}
