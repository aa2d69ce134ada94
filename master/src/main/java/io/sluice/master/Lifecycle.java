package io.sluice.master;

import io.sluice.common.ExitCodes;
import io.sluice.common.channel.ErrorCode;
import io.sluice.common.config.DurationUtil;
import io.sluice.common.config.SluiceConfig;
import io.sluice.common.log.LogLevels;
import io.sluice.common.protocol.control.ReloadReport;
import io.sluice.master.control.Reloader;
import io.sluice.master.process.GenerationFailed;
import io.sluice.master.process.HeartbeatMonitor;
import io.sluice.master.process.MasterLoop;
import io.sluice.master.process.StartResult;
import io.sluice.master.process.Stopper;
import io.sluice.master.process.Supervisor;
import io.sluice.master.process.WorkerExit;
import io.sluice.master.process.WorkerHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The server's one lifecycle state, owned by the master loop, and what each event does in each
 * state: the first generation's start ends STARTING (or the master, when no worker can run); a
 * reload runs only when RUNNING; a stop wins over everything, a draining stop over a reload. The
 * master exits with {@link #exited()} once the last worker is gone after a stop.
 */
final class Lifecycle implements MasterCycle.Handler {

    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);
    private static final Logger startStop = LoggerFactory.getLogger(LogLevels.LIFECYCLE);

    /** Where the server is in its life. */
    enum State { STARTING, RUNNING, RELOADING, DRAINING, STOPPING }

    private final MasterLoop loop;
    private final Supervisor supervisor;
    private final HeartbeatMonitor heartbeat;
    private final Stopper stopper;
    private final Reloader reloader;
    private final Runnable firstGenerationRunning;
    private final CompletableFuture<Integer> exited = new CompletableFuture<>();
    private State state = State.STARTING;
    private int exitCode = ExitCodes.OK;

    /** @param firstGenerationRunning run once the server started (it trains the workers' class-data archive) */
    Lifecycle(MasterLoop loop, Supervisor supervisor, HeartbeatMonitor heartbeat, Stopper stopper, Reloader reloader,
              Runnable firstGenerationRunning) {
        this.loop = loop;
        this.supervisor = supervisor;
        this.heartbeat = heartbeat;
        this.stopper = stopper;
        this.reloader = reloader;
        this.firstGenerationRunning = firstGenerationRunning;
    }

    /** Completes with the master's exit code once every worker is gone after a stop. */
    CompletableFuture<Integer> exited() {
        return exited;
    }

    /** Starts the first generation; "Sluice started" once no slot of it is still starting. On the loop. */
    void start() {
        SluiceConfig config = supervisor.config();
        int workers = config.workers().resolve(Runtime.getRuntime().availableProcessors());
        supervisor.start(workers).whenComplete((result, failure) -> loop.execute(() -> started(config, result, failure)));
        heartbeat.start();
    }

    private void started(SluiceConfig config, StartResult result, Throwable failure) {
        if (state != State.STARTING) {
            return; // stopped meanwhile
        }
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            log.error("Sluice could not start: {}", cause.getMessage());
            exitCode = cause instanceof GenerationFailed g && !g.badConfig() ? ExitCodes.FAILURE : ExitCodes.BAD_CONFIG;
            stop(false);
            return;
        }
        state = State.RUNNING;
        String where = config.rtmp().bind() + ":" + config.rtmp().port() + " (RTMP)"
                + (config.http().enabled() ? " and " + config.http().bind() + ":" + config.http().port() + " (HTTP)" : "")
                + ", master pid " + ProcessHandle.current().pid();
        if (result.complete()) {
            startStop.info("Sluice started: {} worker(s) on {}", result.slots(), where);
        } else {
            startStop.info("Sluice started: {} of {} worker(s) on {}; {}", result.running(), result.slots(), where,
                    result.givenUpSummary());
        }
        firstGenerationRunning.run();
    }

    @Override
    public void reap(WorkerExit exit) {
        supervisor.reap(exit);
    }

    /**
     * Stops every worker (with escalation, or at once), then the master. A stop during a
     * draining stop cuts it short; a second stop changes nothing unless it is {@code now}.
     */
    @Override
    public void stop(boolean now) {
        if (state == State.STOPPING && !now) {
            return;
        }
        state = State.STOPPING;
        heartbeat.stop();
        List<WorkerHandle> live = supervisor.retireAll();
        log.info("stopping {} worker(s){}", live.size(), now ? " now" : "");
        live.forEach(h -> stopper.stop(h, now));
        supervisor.allExited().whenComplete((v, e) -> exited.complete(exitCode));
    }

    /**
     * The graceful stop (nginx's QUIT, which the JVM keeps for itself): workers close their
     * listeners and stop once their sessions have ended, at most {@code drain_timeout} later;
     * then the master exits. Heartbeats go on meanwhile, so a hung worker is still killed.
     */
    @Override
    public void stopDraining() {
        if (state == State.STOPPING || state == State.DRAINING) {
            return;
        }
        state = State.DRAINING;
        List<WorkerHandle> live = supervisor.retireAll();
        log.info("stopping once the sessions have ended: draining {} worker(s), at most {}", live.size(),
                DurationUtil.format(supervisor.config().worker().drainTimeout()));
        live.forEach(stopper::drain);
        supervisor.allExited().whenComplete((v, e) -> exited.complete(exitCode));
    }

    @Override
    public void reload(String trigger, CompletableFuture<ReloadReport> answer) {
        CompletableFuture<ReloadReport> result = switch (state) {
            case STOPPING, DRAINING -> Reloader.refused(trigger, ErrorCode.STOPPING, "the server is stopping");
            case STARTING -> Reloader.refused(trigger, ErrorCode.BUSY,
                    "the server is starting; try again once it has started");
            case RELOADING -> Reloader.refused(trigger, ErrorCode.BUSY,
                    "a reload is already in progress; try again when it has finished");
            case RUNNING -> {
                state = State.RELOADING;
                yield reloader.reload(trigger);
            }
        };
        // Back to RUNNING before the answer goes out, so the next bin/ctl reload is not refused as busy.
        result.whenCompleteAsync((report, failure) -> {
            if (state == State.RELOADING) {
                state = State.RUNNING;
            }
            if (failure == null) {
                answer.complete(report);
            } else {
                answer.completeExceptionally(failure);
            }
        }, loop);
    }
}
