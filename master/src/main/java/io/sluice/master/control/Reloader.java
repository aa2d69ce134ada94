package io.sluice.master.control;

import io.sluice.common.channel.ChannelPeer;
import io.sluice.common.channel.ChannelRequestException;
import io.sluice.common.channel.ErrorCode;
import io.sluice.common.config.ConfigDiff;
import io.sluice.common.config.ConfigException;
import io.sluice.common.config.ConfigLoader;
import io.sluice.common.config.DurationUtil;
import io.sluice.common.config.SluiceConfig;
import io.sluice.common.protocol.WorkerProtocol;
import io.sluice.common.protocol.control.ReloadReport;
import io.sluice.master.process.GenerationSwap;
import io.sluice.master.process.HeartbeatMonitor;
import io.sluice.master.process.MasterCounters;
import io.sluice.master.process.Supervisor;
import io.sluice.master.process.WorkerHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A reload (SIGHUP, {@code bin/ctl reload}): re-reads the configuration file and applies it. An
 * invalid file changes nothing; a change of {@code paths.*} is refused naming the key (only a
 * restart applies it); keys that apply in place go to the master and, with
 * {@code worker.updateSettings}, to every serving worker; keys that need new processes start a
 * new generation ({@link GenerationSwap}). The answer says what changed and how. On the master
 * loop; whether a reload may run at all (not while starting, stopping or reloading) is the
 * master's lifecycle to decide.
 */
public final class Reloader {

    private static final Logger log = LoggerFactory.getLogger(Reloader.class);

    /** What a reload changes in the master process itself. */
    public interface Hooks {
        /** Throws, naming the key, when the new listen address is taken. */
        void checkListenAddress(SluiceConfig next) throws ConfigException;

        /** The master's own in-place settings (log level, {@code tcp_migrate_req}). */
        void applyToMaster(SluiceConfig next);

        /** A new generation runs with {@code next}. */
        void generationRunning(SluiceConfig next);
    }

    private final Path configFile;
    private final Executor loop;
    private final Supervisor supervisor;
    private final HeartbeatMonitor heartbeat;
    private final GenerationSwap swap;
    private final Hooks hooks;

    public Reloader(Path configFile, Executor loop, Supervisor supervisor, HeartbeatMonitor heartbeat,
                    GenerationSwap swap, Hooks hooks) {
        this.configFile = configFile;
        this.loop = loop;
        this.supervisor = supervisor;
        this.heartbeat = heartbeat;
        this.swap = swap;
        this.hooks = hooks;
    }

    /** Reloads; completes with the report, or fails with the reason and its error code. */
    public CompletableFuture<ReloadReport> reload(String trigger) {
        return attempt(trigger).whenComplete((report, failure) -> MasterCounters.reload(failure == null
                ? report.applied().replace(' ', '_')
                : unwrap(failure) instanceof ChannelRequestException refused ? refused.code().wireName() : "failed"));
    }

    private CompletableFuture<ReloadReport> attempt(String trigger) {
        long t0 = System.nanoTime();
        SluiceConfig next;
        try {
            next = ConfigLoader.loadOrDefaults(configFile);
        } catch (ConfigException e) {
            return refused(trigger, ErrorCode.INVALID_CONFIG, e.getMessage() + "; the running configuration stays as it was");
        }
        SluiceConfig current = supervisor.config();
        List<ConfigDiff.Change> changes = ConfigDiff.between(current, next);
        ConfigDiff.Apply how = ConfigDiff.strongest(changes).orElse(null);
        if (how == null) {
            log.info("reload ({}): {} has not changed", trigger, configFile);
            return CompletableFuture.completedFuture(new ReloadReport(changes, "none", supervisor.generation(), 0,
                    "nothing changed"));
        }
        if (how == ConfigDiff.Apply.RESTART) {
            String keys = changes.stream().filter(c -> c.apply() == ConfigDiff.Apply.RESTART)
                    .map(ConfigDiff.Change::key).reduce((a, b) -> a + ", " + b).orElse("");
            return refused(trigger, ErrorCode.NEEDS_RESTART, keys + " can only change with a restart of the master "
                    + "(bin/stop, then bin/start); revert it to reload the rest. Nothing was changed");
        }
        if (how == ConfigDiff.Apply.NEW_GENERATION
                && (current.rtmp().port() != next.rtmp().port() || !current.rtmp().bind().equals(next.rtmp().bind())
                || !current.http().equals(next.http()))) {
            try {
                hooks.checkListenAddress(next);
            } catch (ConfigException e) {
                return refused(trigger, ErrorCode.INVALID_CONFIG, e.getMessage() + "; the running configuration stays as it was");
            }
        }
        for (ConfigDiff.Change c : changes) {
            log.info("reload ({}): {}: {} -> {} ({})", trigger, c.key(), c.oldValue(), c.newValue(),
                    c.apply().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
        hooks.applyToMaster(next);
        CompletableFuture<ReloadReport> result = how == ConfigDiff.Apply.IN_PLACE
                ? inPlace(next, changes, t0) : newGeneration(next, changes, t0);
        return result.whenCompleteAsync((r, failure) -> {
            if (failure == null) {
                log.info("reload ({}): {}", trigger, r.summary());
            } else {
                log.error("reload ({}) failed: {}", trigger, unwrap(failure).getMessage());
            }
        }, loop).exceptionallyCompose(failure -> CompletableFuture.failedFuture(
                new ChannelRequestException(ErrorCode.RELOAD_FAILED, unwrap(failure).getMessage())));
    }

    /** The master takes the heartbeat, stop and respawn values at once; every serving worker the rest. */
    private CompletableFuture<ReloadReport> inPlace(SluiceConfig next, List<ConfigDiff.Change> changes, long t0) {
        supervisor.applyInPlace(next);
        heartbeat.reconfigure();
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (WorkerHandle h : supervisor.workers()) {
            ChannelPeer peer = h.peer();
            WorkerHandle.State state = h.state();
            if (peer != null && (state == WorkerHandle.State.RUNNING || state == WorkerHandle.State.DRAINING)) {
                acks.add(peer.request(WorkerProtocol.UPDATE_SETTINGS, next).exceptionally(e -> {
                    throw new IllegalStateException(h + " did not take the settings: " + e.getMessage(), e);
                }));
            }
        }
        int n = acks.size();
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).thenApply(v -> {
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            return new ReloadReport(changes, "in place", supervisor.generation(), ms,
                    "applied in place to " + n + " worker(s) in " + ms + " ms; no process restarted");
        });
    }

    private CompletableFuture<ReloadReport> newGeneration(SluiceConfig next, List<ConfigDiff.Change> changes, long t0) {
        int workers = next.workers().resolve(Runtime.getRuntime().availableProcessors());
        int old = supervisor.generation();
        return swap.replace(next, workers).thenApply(v -> {
            hooks.generationRunning(next);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            return new ReloadReport(changes, "new generation", supervisor.generation(), ms,
                    "generation " + supervisor.generation() + " (" + workers + " worker(s)) running in " + ms
                            + " ms; generation " + old + " drains its sessions (at most "
                            + DurationUtil.format(next.worker().drainTimeout()) + ")");
        });
    }

    /** A reload refused before anything changed: logged, and answered with {@code error}. */
    public static CompletableFuture<ReloadReport> refused(String trigger, ErrorCode error, String reason) {
        log.error("reload ({}) refused: {}", trigger, reason);
        return CompletableFuture.failedFuture(new ChannelRequestException(error, reason));
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
