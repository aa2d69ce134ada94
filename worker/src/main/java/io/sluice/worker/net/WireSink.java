package io.sluice.worker.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.unix.UnixChannel;

import java.io.IOException;
import java.util.Map;

/**
 * Where a connection's already-encoded bytes go (the media chunks its fan-out shares, an FLV tag
 * next): into the pipeline at the byte level, or, when that is safe, straight to the socket with
 * one {@code writev} of the shared buffers. One per connection, made by the pipeline's builder
 * once the pipeline is complete and kept in its {@link Connection}; nothing looks it up.
 *
 * <p>Why write past Netty: at 1000 players a worker makes about 30 000 writes a second, and for
 * each one Netty walks the pipeline for every message and again for the flush, queues an entry
 * per message in the channel's outbound buffer, accounts its size twice and gathers the entries
 * into an iovec array. That bookkeeping was half of the fan-out's user CPU. Whatever the kernel
 * does not take, and everything on a channel that already has something queued, goes through
 * the pipeline as before (in order, counted by the traffic handler, with Netty's write-buffer
 * watermarks and EPOLLOUT handling); direct writes are counted here.
 *
 * <p>Direct writes are for epoll channels only. On io_uring, Netty already does better: a flush
 * queues one {@code writev} submission, and every submission of a loop turn goes to the kernel
 * with one {@code io_uring_enter}, where a direct write would be a system call of its own per
 * player (measured: 0.126 against 0.157 CPU-s per delivered Gbit at 1000 players, run
 * {@code run-20261206-075711}).
 *
 * <p>Direct writes are allowed only when no handler between the entry point and the socket can
 * change the bytes: the only outbound handler allowed there is {@link TrafficCountingHandler},
 * which counts them. Any other one (TLS, compression, a test's) turns direct writes off for the
 * connection, so bytes never skip a handler that has to see them. Decided when the sink is made:
 * a handler that changes bytes must be in the pipeline by then.
 *
 * <p>Ordering: a direct write happens only when the channel's outbound buffer is empty, so bytes
 * reach the socket in the order they were given to the channel.
 *
 * <p>Not thread-safe: used on the connection's event loop only.
 */
public final class WireSink {

    /** Off with -Dsluice.directWrites=false, to measure what the direct path saves. */
    static final boolean ENABLED = !"false".equals(System.getProperty("sluice.directWrites"));

    private final ChannelHandlerContext entry;
    private final Connection connection;
    private final boolean direct;

    private WireSink(ChannelHandlerContext entry, boolean direct) {
        this.entry = entry;
        this.connection = Connection.of(entry.channel());
        this.direct = direct;
    }

    /**
     * The sink for bytes that enter the pipeline where {@code entry}'s handler writes (they pass
     * only the handlers between it and the socket). Direct writes are on when the channel is an
     * epoll socket and nothing between changes bytes. Call once the pipeline is complete.
     */
    public static WireSink at(ChannelHandlerContext entry) {
        return new WireSink(entry, ENABLED && entry.channel() instanceof AbstractEpollStreamChannel
                && onlyCountingBelow(entry));
    }

    /** True when every outbound handler between the socket and {@code entry} leaves bytes as they are. */
    private static boolean onlyCountingBelow(ChannelHandlerContext entry) {
        for (Map.Entry<String, ChannelHandler> e : entry.pipeline()) {
            ChannelHandler h = e.getValue();
            if (h == entry.handler()) {
                return true;
            }
            if (h instanceof ChannelOutboundHandler && !(h instanceof TrafficCountingHandler)) {
                return false;
            }
        }
        return false; // entry is not in the pipeline (any more): nothing known, nothing direct
    }

    /** Whether this connection's batches may go to the socket directly. */
    public boolean direct() {
        return direct;
    }

    /** Writes {@code buf} into the pipeline at the byte level, unflushed; takes over one reference. */
    public void write(ByteBuf buf) {
        entry.write(buf, entry.voidPromise());
    }

    /** Hands {@code batch} to the pipeline at the byte level, unflushed (something else must follow it there). */
    public void toPipeline(WireBatch batch) {
        batch.toPipeline(entry);
    }

    /**
     * Writes {@code batch}: straight to the socket when direct writes are allowed and the channel
     * has nothing queued; what the socket does not take, or all of it otherwise, goes into the
     * pipeline (unflushed). The batch is empty afterwards.
     *
     * @return true if something was written to the pipeline and it needs a flush
     */
    public boolean write(WireBatch batch) {
        if (batch.isEmpty()) {
            return false;
        }
        Channel channel = entry.channel();
        ChannelOutboundBuffer queued = channel.unsafe().outboundBuffer();
        if (!direct || queued == null || queued.totalPendingWriteBytes() != 0 || !queued.isEmpty()) {
            batch.toPipeline(entry);
            return true;
        }
        long written;
        try {
            written = batch.writev(((UnixChannel) channel).fd());
        } catch (IOException e) {
            // Netty's own write meets the same error and closes the channel the usual way.
            batch.toPipeline(entry);
            return true;
        }
        if (written > 0) {
            connection.addBytesOut(written);
        }
        if (batch.isEmpty()) {
            return false;
        }
        batch.toPipeline(entry);
        return true;
    }
}
