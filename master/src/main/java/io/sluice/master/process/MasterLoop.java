package io.sluice.master.process;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The master's one event thread as the process classes see it: run a task on it, now or after a
 * delay, and read its clock. Everything the supervisor, the heartbeat and the stopper do runs on
 * it, one task at a time, so their state needs no locks. Production wraps a single-thread
 * executor ({@link #of}); unit tests drive a manual loop on a fake clock, so timeouts are tested
 * without waiting for them.
 */
public interface MasterLoop extends Executor {

    /** The loop's clock, in nanoseconds (only differences mean anything, as {@link System#nanoTime}). */
    long nanoTime();

    /** Runs {@code task} on the loop once {@code delay} has passed. */
    Cancellable schedule(Duration delay, Runnable task);

    /** A scheduled task that has not run yet can be called off. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /** The loop of a single-thread executor, on {@link System#nanoTime}. */
    static MasterLoop of(ScheduledExecutorService executor) {
        return new MasterLoop() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public Cancellable schedule(Duration delay, Runnable task) {
                ScheduledFuture<?> f = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            }

            @Override
            public void execute(Runnable task) {
                executor.execute(task);
            }
        };
    }
}
