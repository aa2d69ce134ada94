package io.sluice.master;

import io.sluice.common.protocol.control.ReloadReport;
import io.sluice.master.process.WorkerExit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The master's cycle, as in nginx's master process: a signal, a control command or a worker's
 * exit does not act where it arrives; it is noted, and the loop handles what was noted in one
 * turn, in a fixed order: worker exits first (so nothing after acts on a worker that is gone),
 * then a stop, then a draining stop, then reloads (which a stop in the same turn refuses). Safe
 * to call from any thread; the handler runs on the loop.
 */
final class MasterCycle {

    private static final Logger log = LoggerFactory.getLogger(MasterCycle.class);

    /** What the master does for each kind of event; on the loop. */
    interface Handler {
        void reap(WorkerExit exit);

        void stop(boolean now);

        void stopDraining();

        void reload(String trigger, CompletableFuture<ReloadReport> answer);
    }

    private record ReloadRequest(String trigger, CompletableFuture<ReloadReport> answer) {
    }

    private final Executor loop;
    private final Handler handler;
    private final List<WorkerExit> exits = new ArrayList<>();
    private final List<ReloadRequest> reloads = new ArrayList<>();
    private boolean stop;
    private boolean stopNow;
    private boolean stopDraining;
    private boolean turnPending;

    MasterCycle(Executor loop, Handler handler) {
        this.loop = loop;
        this.handler = handler;
    }

    void exited(WorkerExit exit) {
        note(() -> exits.add(exit));
    }

    /** TERM, INT, {@code bin/ctl stop}: {@code now} skips {@code worker.close}. */
    void stop(boolean now) {
        note(() -> {
            stop = true;
            stopNow |= now;
        });
    }

    /** {@code bin/ctl stop --drain}. */
    void stopDraining() {
        note(() -> stopDraining = true);
    }

    /** HUP, {@code bin/ctl reload}: completes with the reload's report or its refusal. */
    CompletableFuture<ReloadReport> reload(String trigger) {
        CompletableFuture<ReloadReport> answer = new CompletableFuture<>();
        note(() -> reloads.add(new ReloadRequest(trigger, answer)));
        return answer;
    }

    private void note(Runnable event) {
        loop.execute(() -> {
            event.run();
            if (!turnPending) {
                turnPending = true;
                loop.execute(this::turn);
            }
        });
    }

    /** Handles everything noted so far, in the fixed order. */
    private void turn() {
        turnPending = false;
        List<WorkerExit> reaped = List.copyOf(exits);
        exits.clear();
        for (WorkerExit exit : reaped) {
            run(() -> handler.reap(exit));
        }
        if (stop) {
            boolean now = stopNow;
            stop = false;
            stopNow = false;
            run(() -> handler.stop(now));
        }
        if (stopDraining) {
            stopDraining = false;
            run(handler::stopDraining);
        }
        List<ReloadRequest> requested = List.copyOf(reloads);
        reloads.clear();
        for (ReloadRequest r : requested) {
            try {
                handler.reload(r.trigger(), r.answer());
            } catch (RuntimeException e) {
                log.error("reload ({}) failed unexpectedly", r.trigger(), e);
                r.answer().completeExceptionally(e);
            }
        }
    }

    /** One event's handling; a failure of one does not keep the others of the turn from being handled. */
    private static void run(Runnable handling) {
        try {
            handling.run();
        } catch (RuntimeException e) {
            log.error("master event failed", e);
        }
    }
}
