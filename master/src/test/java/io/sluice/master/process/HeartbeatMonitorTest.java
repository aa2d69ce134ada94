package io.sluice.master.process;

import io.sluice.common.protocol.Heartbeat;
import io.sluice.common.protocol.WorkerLoad;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The heartbeat on a fake clock: pings, deadlines, the start timeout and the connection shares. */
class HeartbeatMonitorTest {

    /** One ping the monitor sent; the test answers it (or not). */
    private record Ping(WorkerHandle worker, Heartbeat beat, CompletableFuture<WorkerLoad> answer) {
    }

    private final List<Ping> pings = new ArrayList<>();

    private HeartbeatMonitor monitor(FakeCluster c) {
        return new HeartbeatMonitor(c.loop, c.supervisor, (worker, beat, timeout) -> {
            CompletableFuture<WorkerLoad> answer = new CompletableFuture<>();
            pings.add(new Ping(worker, beat, answer));
            return answer;
        });
    }

    private static WorkerLoad load(int connections) {
        return new WorkerLoad(connections, 0, 0, 0, 0, 0, 0, false, 0, connections, null);
    }

    @Test
    void aWorkerThatDoesNotAnswerIsKilledAtItsDeadlineNotAtTheNextTick() throws Exception {
        FakeCluster c = new FakeCluster("workers: 1\nworker:\n  heartbeat_interval: 1s\n  heartbeat_timeout: 2500ms\n");
        c.supervisor.start(1);
        c.runAll();
        WorkerHandle h = c.worker(1, 1);
        HeartbeatMonitor m = monitor(c);
        m.start();
        c.loop.advance(Duration.ofSeconds(1));
        assertEquals(1, pings.size(), "the first ping, one interval after the start");
        c.loop.advance(Duration.ofMillis(2500));
        assertTrue(h.alive(), "not late yet at the timeout itself");
        assertEquals(1, pings.size(), "no second ping while one is unanswered");
        c.loop.advance(Duration.ofMillis(1));
        assertEquals(List.of("KILL"), c.process(h).signals(), "killed 1 ms past the deadline, between two ticks");
        assertEquals(2, c.processes.size(), "and replaced at once");
    }

    @Test
    void anAnsweredPingKeepsTheWorkerAndBringsItsLoad() throws Exception {
        FakeCluster c = new FakeCluster("workers: 1\nworker:\n  heartbeat_interval: 1s\n  heartbeat_timeout: 2s\n");
        c.supervisor.start(1);
        c.runAll();
        WorkerHandle h = c.worker(1, 1);
        monitor(c).start();
        c.loop.advance(Duration.ofSeconds(1));
        for (int i = 1; i <= 5; i++) {
            assertEquals(i, pings.size(), "one ping per interval");
            c.loop.advance(Duration.ofMillis(3));
            pings.get(i - 1).answer().complete(load(i));
            c.loop.runPending();
            assertEquals(i, h.load().connections());
            c.loop.advance(Duration.ofMillis(997));
        }
        assertTrue(h.alive());
        assertEquals(3, h.rttMicros(50) / 1000, "round trips measured on the loop's clock");
    }

    @Test
    void aWorkerThatNeverReportsRunningIsKilledAfterTheStartTimeout() throws Exception {
        FakeCluster c = new FakeCluster("workers: 1\n");
        c.supervisor.start(1);
        WorkerHandle h = c.worker(1, 1);
        monitor(c).start();
        c.loop.advance(Supervisor.START_TIMEOUT);
        assertTrue(h.alive(), "still within the start timeout");
        c.loop.advance(Duration.ofSeconds(1));
        assertEquals(List.of("KILL"), c.process(h).signals());
        assertEquals(List.of(), pings, "never pinged: it never ran");
    }

    @Test
    void eachRunningWorkerIsToldItsOwnCountPlusAnEqualPartOfWhatIsLeft() throws Exception {
        FakeCluster c = new FakeCluster("workers: 2\nrtmp:\n  max_connections_total: 100\n"
                + "worker:\n  heartbeat_interval: 1s\n  heartbeat_timeout: 2s\n");
        c.supervisor.start(2);
        c.runAll();
        monitor(c).start();
        c.loop.advance(Duration.ofSeconds(1));
        assertEquals(Map.of(1, 50, 2, 50), shares(pings), "nothing held yet: half each");
        pings.get(0).answer().complete(load(pings.get(0).worker().id() == 1 ? 30 : 10));
        pings.get(1).answer().complete(load(pings.get(1).worker().id() == 1 ? 30 : 10));
        pings.clear();
        c.loop.advance(Duration.ofSeconds(1));
        assertEquals(Map.of(1, 60, 2, 40), shares(pings), "60 left: 30 more each");
    }

    @Test
    void withoutATotalEveryWorkerIsToldNoLimit() throws Exception {
        FakeCluster c = new FakeCluster("workers: 2\n");
        c.supervisor.start(2);
        c.runAll();
        monitor(c).start();
        c.loop.advance(Duration.ofSeconds(1));
        assertEquals(Map.of(1, Heartbeat.NO_LIMIT, 2, Heartbeat.NO_LIMIT), shares(pings));
    }

    @Test
    void aReloadedIntervalTakesEffect() throws Exception {
        FakeCluster c = new FakeCluster("workers: 1\n");
        c.supervisor.start(1);
        c.runAll();
        HeartbeatMonitor m = monitor(c);
        m.start();
        c.supervisor.applyInPlace(FakeCluster.config("workers: 1\nworker:\n  heartbeat_interval: 200ms\n"));
        m.reconfigure();
        c.loop.advance(Duration.ofMillis(200));
        assertEquals(1, pings.size());
        pings.get(0).answer().complete(load(0));
        c.loop.advance(Duration.ofMillis(200));
        assertEquals(2, pings.size());
        m.stop();
        c.loop.advance(Duration.ofSeconds(5));
        assertEquals(2, pings.size(), "no ping after stop");
    }

    private static Map<Integer, Integer> shares(List<Ping> pings) {
        return pings.stream().collect(Collectors.toMap(p -> p.worker().id(), p -> p.beat().connectionShare()));
    }
}
