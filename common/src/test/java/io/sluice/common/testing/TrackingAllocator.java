package io.sluice.common.testing;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;

import java.util.ArrayList;
import java.util.List;

/**
 * An allocator for fuzz targets and decoder tests that remembers every buffer it hands out, so a
 * test can check after each input that all of them were released. Netty's leak detector only
 * reports a lost buffer after a garbage collection, long after the input that lost it; this
 * check names the input.
 *
 * <p>Buffers are unpooled and on the heap, also when a direct buffer is asked for: their
 * memory then shows in the thread's allocation counter ({@link AllocationBudget}). Not
 * thread-safe: one allocator per {@code EmbeddedChannel}.
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {

    /** Buffers handed out and not yet seen released: released ones are dropped as they are found. */
    private final List<ByteBuf> handedOut = new ArrayList<>();
    private int count;

    public TrackingAllocator() {
        super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf buf = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        track(buf);
        return buf;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return newHeapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
        CompositeByteBuf buf = super.compositeHeapBuffer(maxNumComponents);
        track(buf);
        return buf;
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
        return compositeHeapBuffer(maxNumComponents);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    private void track(ByteBuf buf) {
        handedOut.add(buf);
        count++;
    }

    /** How many buffers were handed out since the last {@link #assertAllReleased}. */
    public int count() {
        return count;
    }

    /**
     * Bytes of capacity held by the buffers handed out and not yet released. Forgets the
     * released ones, so that checking after every piece of a byte-at-a-time input costs the
     * live buffers, not every buffer the input ever needed.
     */
    public long capacityInUse() {
        handedOut.removeIf(buf -> buf.refCnt() == 0);
        long total = 0;
        for (ByteBuf buf : handedOut) {
            total += buf.capacity();
        }
        return total;
    }

    /**
     * Throws an {@link AssertionError} when the buffers not yet released hold more than
     * {@code limit} bytes of capacity: a decoder that sizes buffers from announced lengths
     * rather than from the bytes that arrived.
     */
    public void assertCapacityAtMost(long limit, String where) {
        long held = capacityInUse();
        if (held > limit) {
            throw new AssertionError("buffers hold " + held + " bytes " + where + ", more than " + limit);
        }
    }

    /**
     * Throws an {@link AssertionError} naming the buffers still referenced, then forgets all
     * buffers handed out so far.
     */
    public void assertAllReleased(String where) {
        List<String> live = new ArrayList<>();
        for (ByteBuf buf : handedOut) {
            if (buf.refCnt() != 0) {
                live.add("refCnt " + buf.refCnt() + ", capacity " + buf.capacity());
            }
        }
        int total = count;
        handedOut.clear();
        count = 0;
        if (!live.isEmpty()) {
            throw new AssertionError(live.size() + " of " + total + " buffer(s) not released " + where + ": " + live);
        }
    }
}
