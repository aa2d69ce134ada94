package io.sluice.worker.rtmp.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.IovArray;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.concurrent.FastThreadLocal;
import io.sluice.worker.net.Connection;

import java.io.IOException;
import java.util.Arrays;

/**
 * The encoded media a player has been given since its last flush, written to its socket with
 * one {@code writev} when the flush comes.
 *
 * <p>Why not Netty's own write path: at 1000 players a worker makes about 30 000 writes a
 * second, and for each one Netty walks the pipeline for every message and again for the flush,
 * queues an entry per message in the channel's outbound buffer, accounts its size twice and
 * gathers the entries into an iovec array. That bookkeeping was half of the fan-out's user
 * CPU. The buffers here are already complete RTMP chunks (the shared encoding, or a frame
 * encoded for this connection), so when nothing else is queued on the channel they can go to
 * the socket as they are. Whatever the kernel does not take, and everything on a channel that
 * already has something queued, goes through the pipeline as before (in order, counted by the
 * traffic handler, with Netty's write-buffer watermarks and EPOLLOUT handling).
 *
 * <p>Ordering: every buffer is one or more whole RTMP messages whose chunk headers do not depend
 * on what was written before, and a direct write happens only when the channel's outbound
 * buffer is empty, so bytes reach the socket in the order they were given to the channel.
 *
 * <p>Not thread-safe: used on the connection's event loop only.
 */
final class WireBatch {

    /** Beyond this many buffers in one batch the pipeline takes them (a batch is ~2 normally). */
    private static final int MAX_BUFFERS = 64;

    private static final FastThreadLocal<IovArray> IOV = new FastThreadLocal<>() {
        @Override
        protected IovArray initialValue() {
            return new IovArray();
        }

        @Override
        protected void onRemoval(IovArray iov) {
            iov.release();
        }
    };

    /** Off with -Dsluice.directWrites=false, to measure what the direct path saves. */
    static final boolean ENABLED = !"false".equals(System.getProperty("sluice.directWrites"));

    private ByteBuf[] buffers = new ByteBuf[4];
    private int count;

    /** Takes over one reference of {@code buf}, which must not be modified (it may be shared). */
    void add(ByteBuf buf) {
        if (count == buffers.length) {
            buffers = Arrays.copyOf(buffers, count * 2);
        }
        buffers[count++] = buf;
    }

    /** True when another buffer may be added rather than written through the pipeline. */
    boolean hasRoom() {
        return count < MAX_BUFFERS;
    }

    /**
     * Writes the batch straight to the socket if the channel has nothing queued; what the
     * socket does not take goes to {@code wire} (unflushed).
     *
     * @return true if something was written to the pipeline and it needs a flush
     */
    boolean write(ChannelHandlerContext wire, Connection connection) {
        if (count == 0) {
            return false;
        }
        Channel channel = wire.channel();
        ChannelOutboundBuffer queued = channel.unsafe().outboundBuffer();
        if (!ENABLED || !(channel instanceof UnixChannel unix) || queued == null
                || queued.totalPendingWriteBytes() != 0 || !queued.isEmpty()) {
            toPipeline(wire);
            return true;
        }
        IovArray iov = IOV.get();
        iov.clear();
        long total = 0;
        for (int i = 0; i < count; i++) {
            ByteBuf b = buffers[i];
            if (!b.hasMemoryAddress() || !iov.add(b, b.readerIndex(), b.readableBytes())) {
                toPipeline(wire);
                return true;
            }
            total += b.readableBytes();
        }
        long written;
        try {
            FileDescriptor fd = unix.fd();
            written = iov.count() == 0 ? 0 : fd.writevAddresses(iov.memoryAddress(0), iov.count());
        } catch (IOException e) {
            // Netty's own write meets the same error and closes the channel the usual way.
            toPipeline(wire);
            return true;
        }
        connection.addBytesOut(written);
        if (written == total) {
            discard();
            return false;
        }
        skip(written);
        toPipeline(wire);
        return true;
    }

    /** Hands the batch to the pipeline below the chunk encoder, unflushed. */
    void toPipeline(ChannelHandlerContext wire) {
        for (int i = 0; i < count; i++) {
            ByteBuf b = buffers[i];
            buffers[i] = null;
            // A view of our own: the shared buffer's indices belong to every player.
            wire.write(b.retainedDuplicate(), wire.voidPromise());
            b.release();
        }
        count = 0;
    }

    /** Removes the first {@code bytes} (partly written) from the front of the batch. */
    private void skip(long bytes) {
        int i = 0;
        while (i < count && bytes >= buffers[i].readableBytes()) {
            bytes -= buffers[i].readableBytes();
            buffers[i].release();
            buffers[i] = null;
            i++;
        }
        if (i < count && bytes > 0) {
            ByteBuf b = buffers[i];
            buffers[i] = b.retainedSlice(b.readerIndex() + (int) bytes, b.readableBytes() - (int) bytes);
            b.release();
        }
        System.arraycopy(buffers, i, buffers, 0, count - i);
        Arrays.fill(buffers, count - i, count, null);
        count -= i;
    }

    /** Drops the batch (the player left or its connection closed). */
    void discard() {
        for (int i = 0; i < count; i++) {
            buffers[i].release();
            buffers[i] = null;
        }
        count = 0;
    }
}
