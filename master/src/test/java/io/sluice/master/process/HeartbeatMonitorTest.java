package io.sluice.master.process;

import io.sluice.common.protocol.Heartbeat;
import io.sluice.common.protocol.WorkerLoad;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
        c.loop.runPending();
        pings.clear();
        c.loop.advance(Duration.ofSeconds(1));
        assertEquals(Map.of(1, 50, 2, 40), shares(pings), "60 left: 30 more each, but worker 2 may still take"
                + " its 50 until it has taken 40, so worker 1 keeps 50 for now");
        pings.forEach(p -> p.answer().complete(load(p.worker().id() == 1 ? 30 : 10)));
        c.loop.runPending();
        pings.clear();
        c.loop.advance(Duration.ofSeconds(1));
        assertEquals(Map.of(1, 60, 2, 40), shares(pings), "worker 2 took 40: its 10 go to worker 1");
    }

    /**
     * Three workers as the test plays them (each applies the share a ping brings, then answers its
     * count; admits while under its share), with connections arriving and leaving, heartbeats
     * ticking and answers arriving in random orders: the workers never hold more than the total,
     * and once it is quiet the shares add up to the total again.
     */
    @Test
    void theWorkersNeverHoldMoreThanTheTotalWhenAnswersAndConnectionsInterleave() throws Exception {
        int total = 10;
        for (long seed = 1; seed <= 20; seed++) {
            pings.clear();
            FakeCluster c = new FakeCluster("workers: 3\nrtmp:\n  max_connections_total: " + total + "\n"
                    + "worker:\n  heartbeat_interval: 1s\n  heartbeat_timeout: 5s\n");
            c.supervisor.start(3);
            c.runAll();
            monitor(c).start();
            Map<Integer, int[]> workers = new HashMap<>(); // id -> {connections, share applied}
            for (int id = 1; id <= 3; id++) {
                workers.put(id, new int[] {0, Heartbeat.NO_LIMIT});
            }
            List<Integer> sentAtTick = new ArrayList<>();
            int tick = 0;
            c.loop.advance(Duration.ofSeconds(1));
            answerAll(c, workers, sentAtTick);
            Random random = new Random(seed);
            for (int step = 0; step < 2000; step++) {
                int action = random.nextInt(100);
                if (action < 15) {
                    // Answers older than 3 ticks first: the heartbeat timeout would kill the worker.
                    for (int i = 0; i < pings.size(); i++) {
                        if (!pings.get(i).answer().isDone() && tick - sentAtTick.get(i) >= 3) {
                            answer(c, workers, pings.get(i));
                        }
                    }
                    tick++;
                    c.loop.advance(Duration.ofSeconds(1));
                } else if (action < 40) {
                    List<Ping> pending = pings.stream().filter(p -> !p.answer().isDone()).toList();
                    if (!pending.isEmpty()) {
                        answer(c, workers, pending.get(random.nextInt(pending.size())));
                    }
                } else {
                    int[] w = workers.get(1 + random.nextInt(3));
                    if (action < 80 && w[0] < w[1]) {
                        w[0]++; // a client admitted
                    } else if (action >= 80 && w[0] > 0) {
                        w[0]--; // a client left
                    }
                }
                while (sentAtTick.size() < pings.size()) {
                    sentAtTick.add(tick);
                }
                int held = workers.values().stream().mapToInt(w -> w[0]).sum();
                assertTrue(held <= total, "seed " + seed + ", step " + step + ": the workers hold " + held);
            }
            // Quiet: rounds answered at once, and the shares add up to the total again.
            for (int round = 0; round < 3; round++) {
                answerAll(c, workers, sentAtTick);
                c.loop.advance(Duration.ofSeconds(1));
            }
            answerAll(c, workers, sentAtTick);
            assertEquals(total, workers.values().stream().mapToInt(w -> w[1]).sum(), "seed " + seed);
            for (int[] w : workers.values()) {
                assertTrue(w[1] >= w[0], "seed " + seed + ": a share below the count");
            }
        }
    }

    private void answerAll(FakeCluster c, Map<Integer, int[]> workers, List<Integer> sentAtTick) {
        for (Ping p : List.copyOf(pings)) {
            if (!p.answer().isDone()) {
                answer(c, workers, p);
            }
        }
        while (sentAtTick.size() < pings.size()) {
            sentAtTick.add(0);
        }
    }

    /** The worker takes the ping's share, then answers with its count, as MasterLink does. */
    private static void answer(FakeCluster c, Map<Integer, int[]> workers, Ping p) {
        int[] w = workers.get(p.worker().id());
        w[1] = p.beat().connectionShare();
        p.answer().complete(load(w[0]));
        c.loop.runPending();
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
