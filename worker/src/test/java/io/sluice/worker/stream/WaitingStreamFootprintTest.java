package io.sluice.worker.stream;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a player waiting for a name nobody publishes costs the stream layer: every such player
 * has a stream of its own, so a client that plays a thousand different names makes a thousand
 * streams, all kept while they wait. The heap they take is what the worker's small heap has to
 * carry and copy at every collection (the hostile-client benchmark's {@code unpublished-keep}).
 */
@Timeout(20)
class WaitingStreamFootprintTest {

    /**
     * Heap allocated per waiting stream (its {@link LiveStream}, GOP cache, timestamp state,
     * fan-out group with its queue, the join): 1.4 KiB now. With Netty's default fan-out
     * queue it was 5.2 KiB, 4 KiB of which was the queue's first array.
     */
    private static final long MAX_BYTES_PER_WAITING_STREAM = 2048;

    private final EmbeddedChannel loop = new EmbeddedChannel();

    @AfterEach
    void stop() {
        loop.finishAndReleaseAll();
    }

    private final class Waiter implements Subscriber {
        boolean joined;

        @Override
        public EventExecutor executor() {
            return loop.eventLoop();
        }

        @Override
        public boolean active() {
            return true;
        }

        @Override
        public void onJoin(List<MediaFrame> snapshot, boolean live) {
            joined = !live && snapshot.isEmpty();
        }

        @Override
        public void onFrame(MediaFrame frame) {
        }

        @Override
        public void onPublishStart() {
        }

        @Override
        public void onPublishStop() {
        }

        @Override
        public void flush() {
        }
    }

    /** Opens {@code n} streams with one waiting player each, as plays of unpublished names do. */
    private static void waitOn(StreamRegistry registry, List<StreamKey> keys, List<Waiter> waiters,
                               List<LiveStream> streams) {
        for (int i = 0; i < keys.size(); i++) {
            LiveStream s = registry.acquire(keys.get(i));
            s.subscribe(waiters.get(i));
            streams.add(s);
        }
    }

    private static long allocatedByThisThread() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void aStreamWaitingForItsPublisherTakesLittleHeap() {
        StreamRegistry registry = new StreamRegistry(new GopSettings(true, 1000, 16 << 20));
        int n = 1000;
        // Made before measuring: the keys and players belong to the connections, not to the streams.
        List<StreamKey> warmKeys = new ArrayList<>();
        List<StreamKey> keys = new ArrayList<>();
        List<Waiter> warmWaiters = new ArrayList<>();
        List<Waiter> waiters = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            warmKeys.add(new StreamKey("live", "warm-" + i));
            keys.add(new StreamKey("live", "nobody-" + i));
            warmWaiters.add(new Waiter());
            waiters.add(new Waiter());
        }
        List<LiveStream> streams = new ArrayList<>(2 * n);
        // Once before measuring, so class loading and the registry's table growth are not counted.
        waitOn(registry, warmKeys, warmWaiters, streams);
        loop.runPendingTasks();

        long before = allocatedByThisThread();
        waitOn(registry, keys, waiters, streams);
        loop.runPendingTasks(); // the joins reach the players on their loop
        long perStream = (allocatedByThisThread() - before) / n;

        assertTrue(waiters.stream().allMatch(w -> w.joined), "every player joined, waiting");
        assertEquals(2 * n, registry.size());
        assertTrue(perStream <= MAX_BYTES_PER_WAITING_STREAM,
                "a waiting stream allocated " + perStream + " bytes, more than " + MAX_BYTES_PER_WAITING_STREAM);
        for (LiveStream s : streams) {
            registry.release(s);
        }
        assertEquals(0, registry.size());
    }
}
