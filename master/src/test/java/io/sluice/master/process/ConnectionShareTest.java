package io.sluice.master.process;

import io.sluice.common.protocol.Heartbeat;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** How {@code rtmp.max_connections_total} is split between the workers. */
class ConnectionShareTest {

    @Test
    void ownCountPlusAnEqualPartOfWhatIsLeftTheRemainderOneEach() {
        // 100 total, 40 held by these two and 20 by a draining worker: 40 left, 20 more each.
        assertArrayEquals(new int[] {50, 30}, ConnectionShare.split(100, 60, new int[] {30, 10}));
        // 10 left over three workers: 4, 3, 3; the shares add up to exactly what is left.
        assertArrayEquals(new int[] {4, 3, 3}, ConnectionShare.split(10, 0, new int[] {0, 0, 0}));
    }

    @Test
    void atOrOverTheTotalEachKeepsWhatItHasAndNoMore() {
        assertArrayEquals(new int[] {70, 30}, ConnectionShare.split(100, 100, new int[] {70, 30}));
        assertArrayEquals(new int[] {80, 0}, ConnectionShare.split(50, 80, new int[] {80, 0}),
                "an empty worker of a full server may admit nothing");
    }

    @Test
    void drainingWorkersCountAgainstTheTotalButGetNoPartOfIt() {
        WorkerHandle a = TestWorkers.withConnections(1, WorkerHandle.State.RUNNING, 10);
        WorkerHandle b = TestWorkers.withConnections(2, WorkerHandle.State.RUNNING, 0);
        WorkerHandle old = TestWorkers.withConnections(3, WorkerHandle.State.DRAINING, 50);
        Map<WorkerHandle, Integer> shares = ConnectionShare.of(100, List.of(a, b, old));
        assertEquals(10 + 20, shares.get(a));
        assertEquals(20, shares.get(b));
        assertEquals(50, shares.get(old), "a draining worker keeps what it has");
    }

    @Test
    void roomAWorkerMayStillTakeIsGivenToNoOtherWorker() {
        // 6 in all; a counted 3 of its 3, b counted 1 of its 3 and may have taken 2 more since.
        WorkerHandle a = TestWorkers.withConnections(1, WorkerHandle.State.RUNNING, 3);
        WorkerHandle b = TestWorkers.withConnections(2, WorkerHandle.State.RUNNING, 1);
        a.shareApplied = 3;
        b.shareApplied = 3;
        Map<WorkerHandle, Integer> shares = ConnectionShare.of(6, List.of(a, b));
        assertEquals(3, shares.get(a), "its part of the 2 left would make 4, but b may hold 3 already");
        assertEquals(2, shares.get(b), "b's share shrinks at once");

        // b answered with its 2 and still 1 connection: its room is a's now.
        b.shareApplied = 2;
        assertEquals(4, ConnectionShare.of(6, List.of(a, b)).get(a));

        // A ping in flight: b may take what it carries, and gets nothing more meanwhile.
        b.shareApplied = 1;
        b.shareSent = 3;
        b.pingInFlight = true;
        assertEquals(3, ConnectionShare.of(6, List.of(a, b)).get(a));
    }

    @Test
    void noTotalIsNoLimitForAnyone() {
        WorkerHandle a = TestWorkers.withConnections(1, WorkerHandle.State.RUNNING, 10);
        assertEquals(Map.of(a, Heartbeat.NO_LIMIT), ConnectionShare.of(0, List.of(a)));
    }
}
