package io.sluice.worker.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelPromise;

/**
 * First handler of a connection's pipeline: counts the bytes that cross the socket, for
 * acknowledgements (spec 5.4.3) and per-client statistics.
 *
 * <p>Outbound, a byte counts once the kernel took it, not when it was handed to Netty: a player
 * that stops reading has up to {@code players.write_buffer_high} queued that may never be sent
 * (the connection is closed with it after {@code players.slow_timeout}), and counting at the
 * hand-over made 100 such players show hundreds of MiB "out". Each buffer is written with a
 * progressive promise, which Netty advances as the socket takes the buffer, also in parts; what
 * is still queued when the connection closes is never counted. Media that the fan-out writes
 * to the socket directly is counted there ({@link WireSink}: what writev returned).
 */
public final class TrafficCountingHandler extends ChannelDuplexHandler {

    private Connection connection;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        connection = Connection.of(ctx.channel());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            connection.addBytesIn(buf.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Connection.Role role = connection.role();
        if (role == Connection.Role.CONNECTING || role == Connection.Role.IDLE) {
            // Linux delays ACKs in the first round trips, which held ffmpeg's connect/createStream
            // exchange for about 40 ms per step; it also leaves quick-ack mode by itself, so it is
            // re-armed after every read while the connection is set up (ffmpeg: 130 ms -> 8 ms).
            try {
                Transport.quickAck(ctx.channel());
            } catch (ChannelException closedMeanwhile) {
                // the socket went away; channelInactive follows
            }
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf buf) || !buf.isReadable()) {
            ctx.write(msg, promise);
            return;
        }
        ChannelProgressivePromise counted = ctx.newProgressivePromise();
        counted.addListener(new SentBytes(buf.readableBytes(), promise));
        ctx.write(msg, counted);
    }

    /** Counts one buffer's bytes as the socket takes them, and passes the outcome on to the writer's promise. */
    private final class SentBytes implements ChannelProgressiveFutureListener {
        private final long size;
        private final ChannelPromise original;
        private long counted;

        SentBytes(long size, ChannelPromise original) {
            this.size = size;
            this.original = original;
        }

        @Override
        public void operationProgressed(ChannelProgressiveFuture future, long progress, long total) {
            count(progress);
        }

        @Override
        public void operationComplete(ChannelProgressiveFuture future) {
            if (future.isSuccess()) {
                count(size);
                original.trySuccess();
            } else {
                original.tryFailure(future.cause()); // a void promise fires exceptionCaught, as before
            }
        }

        private void count(long upTo) {
            if (upTo > counted) {
                connection.addBytesOut(upTo - counted);
                counted = upTo;
            }
        }
    }
}
