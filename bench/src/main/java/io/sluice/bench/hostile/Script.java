package io.sluice.bench.hostile;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.worker.rtmp.handshake.HandshakeCompleted;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What one raw attacker connection does, as the last handler of its pipeline: {@link #begin}
 * runs once the TCP connection is up (or, behind the client handshake, once the handshake is
 * done). Whatever the server sends is read and thrown away unless the script stops reading.
 * Timers the script starts end with the connection.
 */
abstract class Script extends ChannelInboundHandlerAdapter {

    private final boolean afterHandshake;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();

    protected Script(boolean afterHandshake) {
        this.afterHandshake = afterHandshake;
    }

    /** Starts the attack on this connection; runs on its event loop. */
    protected abstract void begin(ChannelHandlerContext ctx);

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!afterHandshake) {
            begin(ctx);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof HandshakeCompleted && afterHandshake) {
            begin(ctx);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        timers.forEach(t -> t.cancel(false));
        timers.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A reset by the server is the expected end of many attacks; the swarm counts the close.
        ctx.close();
    }

    /** Runs {@code task} every {@code millis} on the connection's loop while it is open. */
    protected void every(ChannelHandlerContext ctx, long millis, Runnable task) {
        timers.add(ctx.executor().scheduleAtFixedRate(() -> {
            if (ctx.channel().isActive()) {
                task.run();
            }
        }, millis, millis, TimeUnit.MILLISECONDS));
    }

    /** Runs {@code task} once after {@code millis} on the connection's loop, if it is still open. */
    protected void later(ChannelHandlerContext ctx, long millis, Runnable task) {
        timers.add(ctx.executor().schedule(() -> {
            if (ctx.channel().isActive()) {
                task.run();
            }
        }, millis, TimeUnit.MILLISECONDS));
    }

    /** Closes the connection after {@code millis}, as the attacker's own choice (not counted as the server's). */
    protected void closeAfter(ChannelHandlerContext ctx, long millis) {
        timers.add(ctx.executor().schedule(() -> Swarm.closeByUs(ctx.channel()), millis, TimeUnit.MILLISECONDS));
    }
}
