package io.sluice.worker.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.IovArray;
import io.netty.util.concurrent.FastThreadLocal;

import java.io.IOException;
import java.util.Arrays;

/**
 * The encoded bytes a player has been given since its last flush (shared frame encodings, or
 * bytes made for this connection), written out by its {@link WireSink} when the flush comes:
 * with one {@code writev} when the sink may write directly, else through the pipeline.
 *
 * <p>Every buffer must be whole protocol units that depend on nothing written before them (for
 * RTMP, standalone chunks), so the batch can go to the socket as it is.
 *
 * <p>Not thread-safe: used on the connection's event loop only.
 */
public final class WireBatch {

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

    private ByteBuf[] buffers = new ByteBuf[4];
    private int count;

    /** Takes over one reference of {@code buf}, which must not be modified (it may be shared). */
    public void add(ByteBuf buf) {
        if (count == buffers.length) {
            buffers = Arrays.copyOf(buffers, count * 2);
        }
        buffers[count++] = buf;
    }

    /** True when another buffer may be added rather than written through the pipeline. */
    public boolean hasRoom() {
        return count < MAX_BUFFERS;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /**
     * Writes as much of the batch to {@code fd} as the socket takes with one {@code writev}, and
     * drops what was written.
     *
     * @return the bytes written, or -1 when the batch cannot be written this way (a buffer without
     *         a memory address, or more than one iovec array holds); the batch is then untouched
     * @throws IOException from the socket; the batch is untouched
     */
    long writev(FileDescriptor fd) throws IOException {
        IovArray iov = IOV.get();
        iov.clear();
        long total = 0;
        for (int i = 0; i < count; i++) {
            ByteBuf b = buffers[i];
            if (!b.hasMemoryAddress() || !iov.add(b, b.readerIndex(), b.readableBytes())) {
                return -1;
            }
            total += b.readableBytes();
        }
        long written = iov.count() == 0 ? 0 : fd.writevAddresses(iov.memoryAddress(0), iov.count());
        if (written == total) {
            discard();
        } else {
            skip(written);
        }
        return written;
    }

    /** Hands the batch to the pipeline at {@code entry} (the byte level), unflushed. */
    void toPipeline(ChannelHandlerContext entry) {
        for (int i = 0; i < count; i++) {
            ByteBuf b = buffers[i];
            buffers[i] = null;
            // A view of our own: the shared buffer's indices belong to every player.
            entry.write(b.retainedDuplicate(), entry.voidPromise());
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
    public void discard() {
        for (int i = 0; i < count; i++) {
            buffers[i].release();
            buffers[i] = null;
        }
        count = 0;
    }
}
