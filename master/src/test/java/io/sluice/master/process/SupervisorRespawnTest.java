package io.sluice.master.process;

import io.sluice.common.ExitCodes;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Slots, respawns and the first generation's start, with stand-in processes on a fake clock. */
class SupervisorRespawnTest {

    @Test
    void theFirstRespawnIsImmediateThenTheyBackOff() throws Exception {
        FakeCluster c = new FakeCluster("workers: 1\n");
        c.supervisor.start(1);
        c.runAll();
        c.exit(c.worker(1, 1), 1);
        assertEquals(2, c.processes.size(), "respawned at once");
        c.runAll();
        c.exit(c.worker(1, 1), 1);
        assertEquals(2, c.processes.size(), "the second failure waits");
        c.loop.advance(Duration.ofMillis(99));
        assertEquals(2, c.processes.size());
        c.loop.advance(Duration.ofMillis(1));
        assertEquals(3, c.processes.size(), "respawned after 100 ms");
    }

    @Test
    void aCurrentWorkerThatExitsZeroUnaskedIsRespawned() throws Exception {
        FakeCluster c = new FakeCluster("workers: 1\n");
        c.supervisor.start(1);
        c.runAll();
        WorkerHandle first = c.worker(1, 1);
        c.exit(first, ExitCodes.OK);
        assertEquals(2, c.processes.size(), "a slot left empty would silently lose capacity");
        assertEquals(c.gone.get(0), first);
        c.runAll();
        assertEquals(WorkerHandle.State.RUNNING, c.worker(1, 1).state());
    }

    @Test
    void respawnLimitsChangedByAReloadApplyToTheRunningSlots() throws Exception {
        FakeCluster c = new FakeCluster("workers: 1\nworker:\n  respawn_max_failures: 10\n");
        c.supervisor.start(1);
        c.runAll();
        c.supervisor.applyInPlace(FakeCluster.config(
                "workers: 1\nworker:\n  respawn_max_failures: 2\n  respawn_window: 1m\n"));
        c.exit(c.worker(1, 1), 1);
        c.runAll();
        c.exit(c.worker(1, 1), 1);
        c.loop.advance(Duration.ofSeconds(10));
        assertEquals(2, c.processes.size(), "given up after the reloaded 2 failures, not 10");
        assertEquals("failed 2 times within 60 s (last: exited with code 1)", c.supervisor.givenUp().get(1));
    }

    @Test
    void aFirstGenerationWithACrashLoopingSlotStartsWithTheSlotsThatRun() throws Exception {
        FakeCluster c = new FakeCluster("workers: 2\nworker:\n  respawn_max_failures: 3\n");
        CompletableFuture<StartResult> up = c.supervisor.start(2);
        c.run(c.worker(1, 1));
        for (int i = 0; i < 3; i++) {
            c.loop.advance(Duration.ofSeconds(1));
            c.exit(c.worker(2, 1), 1);
        }
        assertTrue(up.isDone(), "up once no slot is still starting");
        StartResult result = up.get();
        assertEquals(1, result.running());
        assertEquals(2, result.slots());
        assertFalse(result.complete());
        assertEquals("worker slot 2 gave up: failed 3 times within 30 s (last: exited with code 1 before it was "
                + "running (failed start))", result.givenUpSummary());
        assertEquals(WorkerHandle.State.RUNNING, c.worker(1, 1).state());
        assertEquals(0, c.loop.pendingTimers(), "slot 2 is not respawned");
    }

    @Test
    void aFirstGenerationWhereNoSlotRunsFailsSayingWhy() throws Exception {
        FakeCluster c = new FakeCluster("workers: 2\nworker:\n  respawn_max_failures: 1\n");
        CompletableFuture<StartResult> up = c.supervisor.start(2);
        c.exit(c.worker(1, 1), 1);
        c.exit(c.worker(2, 1), ExitCodes.BAD_CONFIG);
        ExecutionException e = assertThrows(ExecutionException.class, up::get);
        GenerationFailed failed = assertInstanceOf(GenerationFailed.class, e.getCause());
        assertTrue(failed.badConfig());
        assertEquals(Map.of(1, "failed 1 times within 30 s (last: exited with code 1 before it was running "
                + "(failed start))", 2, "exited with code 78 (bad configuration) before it was running (failed start)"),
                failed.result().givenUp());
        assertTrue(failed.getMessage().startsWith("no worker of generation 1 could run: worker slot 1 gave up"),
                failed.getMessage());
    }
}
