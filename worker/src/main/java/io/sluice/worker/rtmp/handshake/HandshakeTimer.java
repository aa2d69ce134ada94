package io.sluice.worker.rtmp.handshake;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The deadline of one handshake, on the channel's event loop: started once, cancelled on completion,
 * failure or removal. Time comes from the executor's {@link Ticker}, so tests that advance an
 * {@code EmbeddedChannel}'s clock see the elapsed time they advanced.
 */
final class HandshakeTimer {

    private final Duration timeout;
    private Ticker ticker;
    private long startNanos;
    private ScheduledFuture<?> deadline;

    HandshakeTimer(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("handshake timeout must be positive, was " + timeout);
        }
        this.timeout = timeout;
    }

    /** Starts the clock and schedules {@code onTimeout}; a second call does nothing. */
    void start(ChannelHandlerContext ctx, Runnable onTimeout) {
        if (ticker != null) {
            return;
        }
        ticker = ctx.executor().ticker();
        startNanos = ticker.nanoTime();
        deadline = ctx.executor().schedule(onTimeout, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    /** Milliseconds since {@link #start}, 0 if it never started. */
    long elapsedMillis() {
        return ticker == null ? 0 : TimeUnit.NANOSECONDS.toMillis(ticker.nanoTime() - startNanos);
    }

    /** Microseconds since {@link #start}, for the DEBUG line on completion. */
    long elapsedMicros() {
        return ticker == null ? 0 : TimeUnit.NANOSECONDS.toMicros(ticker.nanoTime() - startNanos);
    }

    long timeoutMillis() {
        return timeout.toMillis();
    }
}
