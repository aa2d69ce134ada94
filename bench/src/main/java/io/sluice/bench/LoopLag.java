package io.sluice.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How late the generator's own event loops ran a 5 ms timer: when the players' or the publisher's
 * loop was itself held up (a starved machine, a GC pause in the generator), a gap the players saw
 * may not be the server's. The largest lateness since {@link #reset}.
 */
final class LoopLag implements AutoCloseable {

    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private volatile long maxLateNanos;
    private volatile long epoch;

    LoopLag(EventLoopGroup... groups) {
        for (EventLoopGroup g : groups) {
            for (EventExecutor e : g) {
                long[] last = {System.nanoTime(), epoch};
                timers.add(e.scheduleWithFixedDelay(() -> {
                    long now = System.nanoTime();
                    long late = now - last[0] - PERIOD_NANOS;
                    if (last[1] == epoch && late > maxLateNanos) {
                        maxLateNanos = late;
                    }
                    last[0] = now;
                    last[1] = epoch;
                }, 5, 5, TimeUnit.MILLISECONDS));
            }
        }
    }

    /** Starts a new measurement; a delay that began before it does not count. */
    void reset() {
        epoch++;
        maxLateNanos = 0;
    }

    double maxMs() {
        return maxLateNanos / 1e6;
    }

    @Override
    public void close() {
        timers.forEach(t -> t.cancel(false));
    }
}
