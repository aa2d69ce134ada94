package io.sluice.master.process;

import io.sluice.common.ExitCodes;
import io.sluice.common.config.ConfigLoader;
import io.sluice.common.config.SluiceConfig;
import io.sluice.common.protocol.WorkerIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The supervisor's respawn rules with stand-in worker processes (small shell commands that
 * exit with a chosen code), on a real master loop: process exits as the JVM reports them.
 */
@Timeout(30)
class SupervisorTest {

    private static final java.util.function.BiFunction<Integer, Integer, String> RELAYS =
            (id, generation) -> "/tmp/worker-" + id + ".sock";
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final MasterLoop loop = MasterLoop.of(executor);
    private final List<Process> started = new CopyOnWriteArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        started.forEach(Process::destroyForcibly);
        executor.shutdownNow();
        assertTrue(executor.awaitTermination(5, TimeUnit.SECONDS));
    }

    private SluiceConfig config(String yaml) throws Exception {
        return ConfigLoader.parse(yaml, "test");
    }

    /** A supervisor whose exits are reaped on the loop, as the master's cycle does. */
    private Supervisor supervisor(Launcher launcher, SluiceConfig config, Consumer<WorkerHandle> gone) {
        AtomicReference<Supervisor> s = new AtomicReference<>();
        s.set(new Supervisor(loop, launcher, config, exit -> loop.execute(() -> s.get().reap(exit)), gone, RELAYS));
        return s.get();
    }

    /** A launcher whose processes run {@code sh -c script}. */
    private Launcher shell(String script) {
        return (id, generation, options) -> {
            Process p = new ProcessBuilder("sh", "-c", script).start();
            started.add(p);
            return p;
        };
    }

    private <T> T onLoop(Callable<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(work.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(5, TimeUnit.SECONDS);
    }

    /** Polls {@code condition} every 10 ms for at most 5 s. */
    private static boolean await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    @Test
    void aWorkerExitingWithTheBadConfigurationCodeIsNotRespawned() throws Exception {
        Supervisor s = supervisor(shell("exit " + ExitCodes.BAD_CONFIG), config("workers: 2\n"), h -> { });
        CompletableFuture<StartResult> up = onLoop(() -> s.start(2));
        Exception e = assertThrows(Exception.class, () -> up.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("bad configuration"), e.getMessage());
        // Both slots were given up, so no respawn can be pending: nothing to wait for.
        Map<Integer, String> givenUp = onLoop(s::givenUp);
        assertEquals(2, givenUp.size());
        assertEquals(List.of(), onLoop(s::workers));
        assertEquals(2, started.size(), "one start per slot, no respawn");
    }

    @Test
    void aCrashLoopStopsRespawningAfterTheConfiguredFailures() throws Exception {
        SluiceConfig c = config("worker:\n  respawn_max_failures: 4\n  respawn_window: 30s\n");
        Supervisor s = supervisor(shell("exit 3"), c, h -> { });
        CompletableFuture<StartResult> up = onLoop(() -> s.start(1));
        assertThrows(Exception.class, () -> up.get(15, TimeUnit.SECONDS));
        assertEquals(4, started.size(), "started, then respawned until the fourth failure");
        assertTrue(onLoop(s::givenUp).get(1).contains("failed 4 times within 30 s"));
    }

    @Test
    void aCrashedWorkerIsRespawnedAtOnceAndTheWorkerGoneHookRuns() throws Exception {
        List<Long> gone = new CopyOnWriteArrayList<>();
        // The first process dies at once; its replacement lives.
        List<String> scripts = new ArrayList<>(List.of("exit 1", "sleep 30"));
        Launcher launcher = (id, generation, options) -> {
            Process p = new ProcessBuilder("sh", "-c", scripts.remove(0)).start();
            started.add(p);
            return p;
        };
        Supervisor s = supervisor(launcher, config(""), h -> gone.add(h.pid()));
        onLoop(() -> s.start(1));
        assertTrue(await(() -> started.size() == 2), "respawned");
        assertEquals(List.of(started.get(0).pid()), onLoop(() -> List.copyOf(gone)));
        // The replacement identifies and runs like a real worker would.
        Process replacement = started.get(1);
        onLoop(() -> s.identify(null, new WorkerIdentity(1, 1, replacement.pid(), 0, null)));
        onLoop(() -> {
            s.running(new WorkerIdentity(1, 1, replacement.pid(), 1935, "/tmp/relay.sock"));
            return null;
        });
        assertEquals(WorkerHandle.State.RUNNING, onLoop(() -> s.workers().get(0).state()));
    }

    @Test
    void anUnknownWorkerCannotIdentify() throws Exception {
        Supervisor s = supervisor(shell("sleep 30"), config(""), h -> { });
        onLoop(() -> s.start(1));
        Exception e = assertThrows(Exception.class,
                () -> onLoop(() -> s.identify(null, new WorkerIdentity(1, 1, 999_999_999L, 0, null))));
        assertTrue(e.getCause().getMessage().contains("was started by this master"), e.getMessage());
    }

    @Test
    void stopEscalatesToSigkillForAWorkerThatIgnoresSigterm() throws Exception {
        SluiceConfig c = config("worker:\n  stop_timeout: 1s\n");
        Supervisor s = supervisor(shell("trap '' TERM; echo ready; while :; do sleep 0.1; done"), c, h -> { });
        Stopper stopper = new Stopper(loop, () -> s.config().worker());
        onLoop(() -> s.start(1));
        // The trap is set once the script says so: a SIGTERM before that would end it.
        BufferedReader out = new BufferedReader(new InputStreamReader(started.get(0).getInputStream(),
                StandardCharsets.US_ASCII));
        assertEquals("ready", out.readLine());
        long t0 = System.nanoTime();
        CompletableFuture<Void> stopped = onLoop(() -> {
            s.retireAll().forEach(h -> stopper.stop(h, false));
            return s.allExited();
        });
        stopped.get(10, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms >= 900 && ms < 5000, "killed after the stop timeout, took " + ms + " ms");
        assertFalse(started.get(0).isAlive());
    }

    @Test
    void aNewGenerationThatCannotRunIsRolledBackAndTheOldOneKeepsServing() throws Exception {
        // Generation 1 lives; generation 2's workers exit with the bad-configuration code.
        Launcher launcher = (id, generation, options) -> {
            Process p = new ProcessBuilder("sh", "-c", generation == 1 ? "sleep 30" : "exit " + ExitCodes.BAD_CONFIG)
                    .start();
            started.add(p);
            return p;
        };
        Supervisor s = supervisor(launcher, config("workers: 1\n"), h -> { });
        Stopper stopper = new Stopper(loop, () -> s.config().worker());
        GenerationSwap swap = new GenerationSwap(loop, s, stopper,
                new HeartbeatMonitor(loop, s, HeartbeatMonitor.Pinger.overChannel()));
        onLoop(() -> s.start(1));
        Process first = started.get(0);
        onLoop(() -> s.identify(null, new WorkerIdentity(1, 1, first.pid(), 0, null)));
        onLoop(() -> {
            s.running(new WorkerIdentity(1, 1, first.pid(), 1935, "/tmp/relay.sock"));
            return null;
        });
        SluiceConfig next = config("workers: 2\n");
        CompletableFuture<Void> reloaded = onLoop(() -> swap.replace(next, 2));
        Exception e = assertThrows(Exception.class, () -> reloaded.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("bad configuration"), e.getMessage());
        assertEquals(1, onLoop(s::generation), "back to generation 1");
        assertEquals("1", onLoop(() -> s.config().workers().toString()), "the old configuration");
        assertEquals(List.of(first.pid()), onLoop(() -> s.workers().stream().map(WorkerHandle::pid).toList()));
        assertEquals(WorkerHandle.State.RUNNING, onLoop(() -> s.workers().get(0).state()));
        assertTrue(first.isAlive());
        assertEquals(3, started.size(), "no respawn of the rolled-back slots");
    }
}
