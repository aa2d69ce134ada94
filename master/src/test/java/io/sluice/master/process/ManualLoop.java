package io.sluice.master.process;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.PriorityQueue;

/**
 * A {@link MasterLoop} for unit tests: tasks run when the test says so, and time moves only when
 * the test advances it, so timeouts are tested exactly and without waiting.
 */
final class ManualLoop implements MasterLoop {

    private record Timer(long dueNanos, long seq, Runnable task) {
    }

    private final Deque<Runnable> ready = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> a.dueNanos != b.dueNanos
            ? Long.compare(a.dueNanos, b.dueNanos) : Long.compare(a.seq, b.seq));
    private long now = 1_000_000_000L;
    private long seq;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized void execute(Runnable task) {
        ready.add(task);
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Timer t = new Timer(now + delay.toNanos(), seq++, task);
        timers.add(t);
        return () -> {
            synchronized (this) {
                timers.remove(t);
            }
        };
    }

    /** Runs every task that is ready, including the ones they post, and the timers due by now. */
    void runPending() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = ready.poll();
                if (next == null && !timers.isEmpty() && timers.peek().dueNanos <= now) {
                    next = timers.poll().task;
                }
            }
            if (next == null) {
                return;
            }
            next.run();
        }
    }

    /** Moves the clock forward by {@code d}, running each timer at its due time, in order. */
    void advance(Duration d) {
        long target;
        synchronized (this) {
            target = now + d.toNanos();
        }
        runPending();
        while (true) {
            synchronized (this) {
                if (timers.isEmpty() || timers.peek().dueNanos > target) {
                    now = target;
                    break;
                }
                now = timers.peek().dueNanos;
            }
            runPending();
        }
        runPending();
    }

    /** Timers not run yet (respawns waiting for their backoff, escalations, deadlines). */
    synchronized int pendingTimers() {
        return timers.size();
    }
}
