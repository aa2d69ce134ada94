package io.sluice.master.process;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stop escalation and the draining stop, step by step on a fake clock. */
class StopperTest {

    private final EmbeddedPeer channel = new EmbeddedPeer();

    @AfterEach
    void closeChannel() {
        channel.close();
    }

    private static FakeCluster cluster(boolean ignoresTerm) throws Exception {
        FakeCluster c = new FakeCluster("workers: 1\nworker:\n  stop_timeout: 10s\n  drain_timeout: 60s\n");
        c.ignoresTerm = generation -> ignoresTerm;
        c.supervisor.start(1);
        return c;
    }

    private WorkerHandle running(FakeCluster c) {
        WorkerHandle h = c.worker(1, 1);
        c.run(h, channel.peer);
        channel.sent();
        return h;
    }

    private static Stopper stopper(FakeCluster c) {
        return new Stopper(c.loop, () -> c.supervisor.config().worker());
    }

    @Test
    void workerCloseFirstThenSigtermAtHalfTheStopTimeout() throws Exception {
        FakeCluster c = cluster(false);
        WorkerHandle h = running(c);
        c.supervisor.retireAll();
        stopper(c).stop(h, false);
        assertEquals(List.of("worker.close"), channel.sentMethods());
        assertEquals(WorkerHandle.State.STOPPING, h.state());
        c.loop.advance(Duration.ofMillis(4999));
        assertEquals(List.of(), c.process(h).signals(), "worker.close has half the stop timeout");
        c.loop.advance(Duration.ofMillis(1));
        assertEquals(List.of("TERM"), c.process(h).signals(), "SIGTERM at half of stop_timeout");
        c.loop.advance(Duration.ofSeconds(20));
        assertEquals(List.of("TERM"), c.process(h).signals(), "it exited on SIGTERM: no SIGKILL");
        assertEquals(WorkerHandle.State.EXITED, h.state());
        assertEquals(1, c.processes.size(), "a stopped worker is not respawned");
    }

    @Test
    void aWorkerThatIgnoresSigtermGetsSigkillAtTheStopTimeout() throws Exception {
        FakeCluster c = cluster(true);
        WorkerHandle h = running(c);
        c.supervisor.retireAll();
        stopper(c).stop(h, false);
        c.loop.advance(Duration.ofMillis(9999));
        assertEquals(List.of("TERM"), c.process(h).signals());
        assertTrue(h.alive());
        c.loop.advance(Duration.ofMillis(1));
        assertEquals(List.of("TERM", "KILL"), c.process(h).signals());
        assertFalse(h.alive());
    }

    @Test
    void aWorkerThatExitsOnWorkerCloseGetsNoSignal() throws Exception {
        FakeCluster c = cluster(false);
        WorkerHandle h = running(c);
        c.supervisor.retireAll();
        stopper(c).stop(h, false);
        c.exit(h, 0);
        c.loop.advance(Duration.ofSeconds(20));
        assertEquals(List.of(), c.process(h).signals());
        assertEquals(0, c.loop.pendingTimers());
    }

    @Test
    void stopNowSendsSigtermAtOnceWithoutWorkerClose() throws Exception {
        FakeCluster c = cluster(true);
        WorkerHandle h = running(c);
        c.supervisor.retireAll();
        stopper(c).stop(h, true);
        assertEquals(List.of(), channel.sentMethods());
        assertEquals(List.of("TERM"), c.process(h).signals());
        c.loop.advance(Duration.ofSeconds(10));
        assertEquals(List.of("TERM", "KILL"), c.process(h).signals());
    }

    @Test
    void drainThenStopWhenTheDrainTimeoutPasses() throws Exception {
        FakeCluster c = cluster(false);
        WorkerHandle h = running(c);
        c.supervisor.retireAll();
        stopper(c).drain(h);
        List<JsonNode> sent = channel.sent();
        assertEquals("worker.drain", sent.get(0).path("method").asText());
        assertEquals(60_000, sent.get(0).path("data").path("timeoutMillis").asLong());
        assertEquals(WorkerHandle.State.DRAINING, h.state());
        c.loop.advance(Duration.ofSeconds(59));
        assertEquals(List.of(), channel.sentMethods(), "it serves its sessions meanwhile");
        c.loop.advance(Duration.ofSeconds(1));
        assertEquals(List.of("worker.close"), channel.sentMethods(), "stopped at the drain timeout");
        c.loop.advance(Duration.ofSeconds(5));
        assertEquals(List.of("TERM"), c.process(h).signals());
    }
}
