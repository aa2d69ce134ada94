package io.sluice.worker.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelProgressivePromise;

/**
 * First handler of a connection's pipeline: counts the bytes that cross the socket, for
 * acknowledgements (spec 5.4.3) and per-client statistics.
 *
 * <p>Outbound, a byte counts once the kernel took it, not when it was handed to Netty: a player
 * that stops reading has up to {@code players.write_buffer_high} queued that may never be sent
 * (the connection is closed with it after {@code players.slow_timeout}), and counting at the
 * hand-over made 100 such players show hundreds of MiB "out". Netty reports to a buffer's
 * progressive promise as the socket takes it, also in parts; what is still queued when the
 * connection closes is never counted. Media that the fan-out writes to the socket directly is
 * counted there ({@link WireSink}: what writev returned).
 *
 * <p>Writes with the channel's void promise (all of the fan-out's, and every other write that
 * nobody waits for) share one promise per connection, {@link Counter}, instead of a new
 * progressive promise and listener each: Netty's outbound buffer completes its entries in the
 * order they were written, so the counter keeps the sizes of the buffers still queued in that
 * order and counts the head's as Netty reports it. On io_uring every fan-out write goes through
 * the pipeline, and the two objects per write were the fan-out's largest allocation, about
 * 73 000 of each a second at 1000 players.
 */
public final class TrafficCountingHandler extends ChannelDuplexHandler {

    private Connection connection;
    private Counter counter;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        connection = Connection.of(ctx.channel());
        counter = new Counter(ctx);
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
        if (promise.isVoid()) {
            ctx.write(msg, counter.queued(buf.readableBytes(), promise));
            return;
        }
        ChannelProgressivePromise counted = ctx.newProgressivePromise();
        counted.addListener(new SentBytes(buf.readableBytes(), promise));
        ctx.write(msg, counted);
    }

    /**
     * The one promise of all of a connection's void-promise writes. It never completes: Netty
     * reports each queued buffer's progress and outcome to it, in the order the buffers were
     * written, and it counts the bytes the socket took. Only on the connection's event loop.
     */
    private final class Counter extends DefaultChannelProgressivePromise {
        /** Sizes of the buffers written with this promise and not yet sent or dropped, oldest first. */
        private int[] sizes = new int[8];
        private int head;
        private int count;
        /** Bytes of the oldest buffer counted so far (Netty reported it partly sent). */
        private long headCounted;
        /** The writer's void promise, told of failures as it would have been (it fires exceptionCaught). */
        private ChannelPromise voidPromise;

        Counter(ChannelHandlerContext ctx) {
            super(ctx.channel());
        }

        Counter queued(int size, ChannelPromise writers) {
            voidPromise = writers;
            if (count == sizes.length) {
                int[] grown = new int[sizes.length * 2];
                for (int i = 0; i < count; i++) {
                    grown[i] = sizes[(head + i) % sizes.length];
                }
                sizes = grown;
                head = 0;
            }
            sizes[(head + count++) % sizes.length] = size;
            return this;
        }

        @Override
        public boolean tryProgress(long progress, long total) {
            if (count > 0 && progress > headCounted) {
                connection.addBytesOut(progress - headCounted);
                headCounted = progress;
            }
            return true;
        }

        @Override
        public boolean trySuccess(Void result) {
            if (count > 0) {
                int size = sizes[head];
                if (size > headCounted) {
                    connection.addBytesOut(size - headCounted);
                }
                next();
            }
            return true;
        }

        @Override
        public boolean tryFailure(Throwable cause) {
            if (count > 0) {
                next();
            }
            if (voidPromise != null) {
                voidPromise.tryFailure(cause);
            }
            return true;
        }

        @Override
        public ChannelProgressivePromise setSuccess(Void result) {
            trySuccess(result);
            return this;
        }

        @Override
        public ChannelProgressivePromise setFailure(Throwable cause) {
            tryFailure(cause);
            return this;
        }

        private void next() {
            head = (head + 1) % sizes.length;
            count--;
            headCounted = 0;
        }
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
