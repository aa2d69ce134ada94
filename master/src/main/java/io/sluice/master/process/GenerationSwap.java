package io.sluice.master.process;

import io.sluice.common.config.SluiceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A reload that needs new processes: the next generation starts beside the current one; once
 * every one of its slots runs it becomes current and the previous workers drain (close their
 * listener, serve their sessions to the end, are stopped at {@code worker.drain_timeout}). When it
 * cannot run (a slot gave up, or not all run within {@link Supervisor#START_TIMEOUT}) it is
 * stopped and the current generation serves on as it was: the rollback is simply not promoting.
 * On the master loop.
 */
public final class GenerationSwap {

    private static final Logger log = LoggerFactory.getLogger(GenerationSwap.class);

    private final MasterLoop loop;
    private final Supervisor supervisor;
    private final Stopper stopper;
    private final HeartbeatMonitor heartbeat;

    public GenerationSwap(MasterLoop loop, Supervisor supervisor, Stopper stopper, HeartbeatMonitor heartbeat) {
        this.loop = loop;
        this.supervisor = supervisor;
        this.stopper = stopper;
        this.heartbeat = heartbeat;
    }

    /**
     * Starts a generation of {@code workers} with {@code next}; completes once it is current and the
     * previous one drains, fails (with the reason) when it could not run.
     */
    public CompletableFuture<Void> replace(SluiceConfig next, int workers) {
        Generation g = supervisor.startNext(next, workers);
        MasterLoop.Cancellable deadline = loop.schedule(Supervisor.START_TIMEOUT, () -> g.up().completeExceptionally(
                new IllegalStateException("generation " + g.number() + " did not run within "
                        + Supervisor.START_TIMEOUT.toSeconds() + " s")));
        CompletableFuture<Void> done = new CompletableFuture<>();
        g.up().whenComplete((result, failure) -> loop.execute(() -> {
            deadline.cancel();
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof CancellationException) {
                done.completeExceptionally(cause); // the server stops: its stop takes care of every worker
            } else if (cause != null || !result.complete()) {
                String why = cause != null ? cause.getMessage() : result.givenUpSummary();
                log.error("reload: the new generation {} could not run ({}); stopping it, generation {} keeps serving "
                        + "with the previous configuration", g.number(), why, supervisor.generation());
                supervisor.generations().abandon(g).forEach(h -> stopper.stop(h, false));
                done.completeExceptionally(new IllegalStateException(why));
            } else {
                supervisor.generations().promote(g).forEach(stopper::drain);
                heartbeat.reconfigure();
                log.info("generation {} running; the previous workers drain (at most {} ms)", g.number(),
                        next.worker().drainTimeout().toMillis());
                done.complete(null);
            }
        }));
        return done;
    }
}
