package io.sluice.master.process;

import io.sluice.common.ExitCodes;
import io.sluice.common.config.SluiceConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A reload's new generation: promoted once it runs, or dropped with the current one untouched. */
class GenerationSwapTest {

    private static final String BASE = "worker:\n  stop_timeout: 2s\n  drain_timeout: 60s\n";

    private final FakeCluster c;
    private final GenerationSwap swap;
    private final SluiceConfig first;

    GenerationSwapTest() throws Exception {
        c = new FakeCluster("workers: 1\n" + BASE);
        Stopper stopper = new Stopper(c.loop, () -> c.supervisor.config().worker());
        swap = new GenerationSwap(c.loop, c.supervisor, stopper,
                new HeartbeatMonitor(c.loop, c.supervisor, (w, beat, timeout) -> new CompletableFuture<>()));
        first = c.supervisor.config();
        c.supervisor.start(1);
        c.runAll();
    }

    @Test
    void onceEveryNewWorkerRunsTheNewGenerationIsCurrentAndTheOldOneDrains() throws Exception {
        WorkerHandle old = c.worker(1, 1);
        SluiceConfig next = FakeCluster.config("workers: 2\n" + BASE);
        CompletableFuture<Void> done = swap.replace(next, 2);
        assertEquals(1, c.supervisor.generation(), "the current generation serves while the next starts");
        c.runAll();
        assertTrue(done.isDone() && !done.isCompletedExceptionally());
        assertEquals(2, c.supervisor.generation());
        assertSame(next, c.supervisor.config());
        assertEquals(WorkerHandle.State.DRAINING, old.state());
        c.exit(old, 0);
        assertEquals(3, c.processes.size(), "a drained worker is not replaced");
        assertEquals(List.of(1, 2), c.supervisor.workers().stream().map(WorkerHandle::id).toList());
    }

    @Test
    void aNewGenerationThatCannotRunIsStoppedAndTheCurrentValueStaysAsItWas() throws Exception {
        WorkerHandle old = c.worker(1, 1);
        CompletableFuture<Void> done = swap.replace(FakeCluster.config("workers: 2\n" + BASE), 2);
        WorkerHandle fine = c.worker(1, 2);
        c.run(fine);
        c.exit(c.worker(2, 2), ExitCodes.BAD_CONFIG);
        ExecutionException e = assertThrows(ExecutionException.class, done::get);
        assertTrue(e.getCause().getMessage().contains("worker slot 2 gave up: exited with code 78 (bad configuration)"),
                e.getCause().getMessage());
        assertEquals(1, c.supervisor.generation());
        assertSame(first, c.supervisor.config(), "the previous value, not a restored copy");
        assertEquals(WorkerHandle.State.RUNNING, old.state());
        assertEquals(WorkerHandle.State.STOPPING, fine.state(), "the new generation's running worker is stopped");
        c.loop.advance(Duration.ofSeconds(1));
        assertEquals(List.of("TERM"), c.process(fine).signals(), "with the current stop_timeout (2 s)");
        assertEquals(List.of(old), c.supervisor.workers());
        assertEquals(3, c.processes.size(), "no respawn of the dropped generation");
    }

    @Test
    void aNewGenerationNotRunningWithinTheStartTimeoutIsDropped() throws Exception {
        CompletableFuture<Void> done = swap.replace(FakeCluster.config("workers: 1\n" + BASE), 1);
        c.loop.advance(Supervisor.START_TIMEOUT);
        ExecutionException e = assertThrows(ExecutionException.class, done::get);
        assertEquals("generation 2 did not run within 30 s", e.getCause().getMessage());
        assertEquals(1, c.supervisor.generation());
        c.loop.advance(Duration.ofSeconds(2));
        assertEquals(1, c.supervisor.workers().size());
    }

    @Test
    void aStopDuringTheSwapFailsItWithoutStoppingAnythingItself() throws Exception {
        CompletableFuture<Void> done = swap.replace(FakeCluster.config("workers: 1\n" + BASE), 1);
        c.supervisor.retireAll();
        c.loop.runPending();
        CancellationException e = assertThrows(CancellationException.class, done::get);
        assertEquals("the server is stopping", e.getMessage());
        WorkerHandle next = c.worker(1, 2);
        assertEquals(WorkerHandle.State.SPAWNED, next.state(), "the stop's own stopper takes care of it");
    }
}
