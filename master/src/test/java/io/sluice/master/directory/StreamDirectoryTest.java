package io.sluice.master.directory;

import io.sluice.common.channel.ChannelRequestException;
import io.sluice.common.channel.ErrorCode;
import io.sluice.common.protocol.StreamLocation;
import io.sluice.common.protocol.StreamRef;
import io.sluice.master.process.TestWorkers;
import io.sluice.master.process.WorkerHandle;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stream directory's waiting list: entries leave with their players, and a worker's list is bounded. */
class StreamDirectoryTest {

    private final WorkerHandle a = TestWorkers.running(1, 1, "/run/worker-1.g1.sock");
    private final WorkerHandle b = TestWorkers.running(2, 1, "/run/worker-2.g1.sock");

    private static StreamRef random(Random rnd) {
        return new StreamRef("live", Long.toHexString(rnd.nextLong()));
    }

    @Test
    void threeThousandRandomWaitsThenTheirCancelsLeaveNothing() {
        StreamDirectory d = new StreamDirectory(5000);
        Random rnd = new Random(12);
        List<StreamRef> waited = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            StreamRef ref = random(rnd);
            waited.add(ref);
            assertFalse(d.locate(i % 2 == 0 ? a : b, ref).found());
        }
        assertEquals(3000, d.waitCount());
        Collections.shuffle(waited, rnd);
        for (StreamRef ref : waited) {
            d.waitCancelled(a, ref);
            d.waitCancelled(b, ref);
        }
        assertEquals(0, d.waitCount());
    }

    @Test
    void aWorkerMayWaitForAtMostTheBoundThenLocateIsRefusedWithLimit() {
        StreamDirectory d = new StreamDirectory(3);
        for (int i = 0; i < 3; i++) {
            d.locate(a, new StreamRef("live", "n" + i));
        }
        ChannelRequestException e = assertThrows(ChannelRequestException.class,
                () -> d.locate(a, new StreamRef("live", "n3")));
        assertEquals(ErrorCode.LIMIT, e.code());
        assertTrue(e.reason().contains("worker 1 waits for 3"), e.reason());
        // A name it waits for already is no new entry; another worker has its own bound.
        assertFalse(d.locate(a, new StreamRef("live", "n0")).found());
        assertFalse(d.locate(b, new StreamRef("live", "n3")).found());
        assertEquals(4, d.waitCount());
        // One wait leaving makes room for one more.
        d.waitCancelled(a, new StreamRef("live", "n1"));
        assertFalse(d.locate(a, new StreamRef("live", "n3")).found());
    }

    @Test
    void theDefaultBoundHoldsAgainstThousandsOfPlaysOfRandomNames() {
        StreamDirectory d = new StreamDirectory();
        Random rnd = new Random(7);
        int refused = 0;
        for (int i = 0; i < 3000; i++) {
            try {
                d.locate(a, random(rnd));
            } catch (ChannelRequestException e) {
                refused++;
            }
        }
        assertEquals(StreamDirectory.DEFAULT_MAX_WAITS_PER_WORKER, d.waitCount());
        assertEquals(3000 - StreamDirectory.DEFAULT_MAX_WAITS_PER_WORKER, refused);
    }

    @Test
    void aClaimEndsTheWaitsForItsNameAndFreesTheirPlaceInTheBound() {
        StreamDirectory d = new StreamDirectory(1);
        StreamRef cam = new StreamRef("live", "cam");
        d.locate(a, cam);
        d.locate(b, cam);
        assertTrue(d.claim(b, cam).granted());
        assertEquals(0, d.waitCount());
        StreamLocation there = d.locate(a, cam);
        assertTrue(there.found());
        assertEquals(2, there.worker());
        assertFalse(d.locate(a, new StreamRef("live", "other")).found(), "its one place is free again");
    }

    @Test
    void aWorkersDeathRemovesItsWaits() {
        StreamDirectory d = new StreamDirectory(10);
        d.locate(a, new StreamRef("live", "x"));
        d.locate(a, new StreamRef("live", "y"));
        d.locate(b, new StreamRef("live", "y"));
        d.workerGone(a);
        assertEquals(1, d.waitCount());
        d.workerGone(b);
        assertEquals(0, d.waitCount());
    }
}
