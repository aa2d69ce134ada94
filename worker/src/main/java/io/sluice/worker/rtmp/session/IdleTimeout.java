package io.sluice.worker.rtmp.session;

import io.netty.channel.ChannelHandlerContext;
import io.sluice.worker.net.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection that neither publishes nor plays for {@code rtmp.idle_timeout}: handshaken,
 * maybe connected, then nothing (nginx-rtmp closes such sockets after 60 s too). Without it an
 * idle socket costs the worker its buffers and a connection slot for as long as the peer likes.
 *
 * <p>Armed when the connection is ready (its handshake completed) and whenever its last publish or play ends;
 * disarmed while it publishes or plays. Used on the connection's event loop only.
 */
final class IdleTimeout {

    private static final Logger log = LoggerFactory.getLogger(IdleTimeout.class);

    private final ChannelHandlerContext ctx;
    private final Connection connection;
    private final long timeoutMillis;
    private ScheduledFuture<?> timer;

    /** @param timeout zero for never */
    IdleTimeout(ChannelHandlerContext ctx, Connection connection, Duration timeout) {
        this.ctx = ctx;
        this.connection = connection;
        this.timeoutMillis = timeout.toMillis();
    }

    /** The connection became idle: it is closed unless it publishes or plays within the timeout. */
    void arm() {
        if (timeoutMillis > 0 && timer == null && ctx.channel().isActive()) {
            timer = ctx.executor().schedule(this::expired, timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** The connection publishes or plays (or closed). */
    void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expired() {
        timer = null;
        if (ctx.channel().isActive()) {
            log.info("idle for {} ms (neither publishing nor playing), closing [conn:{}, remote:{}]", timeoutMillis,
                    connection.id(), connection.remote());
            ctx.close();
        }
    }
}
