package io.sluice.master;

import io.sluice.common.protocol.control.ReloadReport;
import io.sluice.master.process.TestWorkers;
import io.sluice.master.process.WorkerExit;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The master's events are handled in nginx's fixed order, whatever order they arrived in. */
class MasterCycleTest {

    /** Runs posted tasks when the test says so. */
    private final Deque<Runnable> tasks = new ArrayDeque<>();
    private final Executor loop = tasks::add;
    private final List<String> handled = new ArrayList<>();

    private final MasterCycle cycle = new MasterCycle(loop, new MasterCycle.Handler() {
        @Override
        public void reap(WorkerExit exit) {
            handled.add("reap " + exit.worker().id());
        }

        @Override
        public void stop(boolean now) {
            handled.add(now ? "stop now" : "stop");
        }

        @Override
        public void stopDraining() {
            handled.add("drain");
        }

        @Override
        public void reload(String trigger, CompletableFuture<ReloadReport> answer) {
            handled.add("reload " + trigger);
            answer.complete(null);
        }
    });

    private void runTasks() {
        Runnable t;
        while ((t = tasks.poll()) != null) {
            t.run();
        }
    }

    @Test
    void exitsThenStopThenDrainThenReloadsWhateverTheOrderOfArrival() {
        CompletableFuture<ReloadReport> answer = cycle.reload("SIGHUP");
        cycle.stopDraining();
        cycle.stop(false);
        cycle.exited(new WorkerExit(TestWorkers.running(2, 1, null), 1));
        cycle.stop(true);
        cycle.exited(new WorkerExit(TestWorkers.running(1, 1, null), 0));
        runTasks();
        assertEquals(List.of("reap 2", "reap 1", "stop now", "drain", "reload SIGHUP"), handled,
                "one turn, in the fixed order; two stops are one, now if either said so");
        assertTrue(answer.isDone());
    }

    @Test
    void eventsAfterATurnGoToTheNextTurn() {
        cycle.reload("bin/ctl reload");
        runTasks();
        cycle.stop(false);
        runTasks();
        assertEquals(List.of("reload bin/ctl reload", "stop"), handled);
    }

    @Test
    void aFailingHandlerFailsItsReloadAndLetsTheTurnFinish() {
        List<String> done = new ArrayList<>();
        MasterCycle failing = new MasterCycle(loop, new MasterCycle.Handler() {
            @Override
            public void reap(WorkerExit exit) {
                throw new IllegalStateException("reap failed");
            }

            @Override
            public void stop(boolean now) {
                done.add("stop");
            }

            @Override
            public void stopDraining() {
            }

            @Override
            public void reload(String trigger, CompletableFuture<ReloadReport> answer) {
                throw new IllegalStateException("reload failed");
            }
        });
        failing.exited(new WorkerExit(TestWorkers.running(1, 1, null), 1));
        failing.stop(false);
        CompletableFuture<ReloadReport> answer = failing.reload("SIGHUP");
        runTasks();
        assertEquals(List.of("stop"), done);
        assertTrue(answer.isCompletedExceptionally(), "answered, not left hanging");
    }
}
