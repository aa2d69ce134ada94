package io.sluice.master;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sluice.common.ExitCodes;
import io.sluice.common.channel.ErrorCode;
import io.sluice.common.channel.ChannelPeer;
import io.sluice.common.channel.ChannelRequestException;
import io.sluice.common.channel.ChannelServer;
import io.sluice.common.channel.ChannelTransport;
import io.sluice.common.log.LogLevels;
import io.sluice.common.config.ConfigDiff;
import io.sluice.common.config.ConfigException;
import io.sluice.common.config.DurationUtil;
import io.sluice.common.config.ConfigLoader;
import io.sluice.common.config.SluiceConfig;
import io.sluice.common.protocol.ProtocolWarmUp;
import io.sluice.common.protocol.WorkerProtocol;
import io.sluice.common.protocol.control.ReloadReport;
import io.sluice.common.protocol.control.StatusView;
import io.sluice.master.control.ControlServer;
import io.sluice.master.directory.StreamDirectory;
import io.sluice.common.protocol.WorkerLoad;
import io.sluice.master.process.WorkerHandle;
import io.sluice.master.process.Supervisor;
import io.sluice.master.process.WorkerCds;
import io.sluice.master.process.WorkerLauncher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The master process: owns the run directory, listens on the workers' channel socket, runs the
 * {@link Supervisor}, reloads the configuration, and turns signals into events on its single
 * loop thread.
 */
final class Master {

    private static final Logger log = LoggerFactory.getLogger(Master.class);
    private static final Logger lifecycle = LoggerFactory.getLogger(LogLevels.LIFECYCLE);
    /** Channel requests the master makes wait at most this long unless they say otherwise. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final MasterOptions options;
    private final SluiceConfig config;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(
            new DefaultThreadFactory("master"));
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile int exitCode = ExitCodes.OK;
    private RunDirectory run;
    private EventLoopGroup io;
    private ChannelServer channel;
    private Supervisor supervisor;
    private final StreamDirectory directory = new StreamDirectory();
    private final long startedNanos = System.nanoTime();
    private ControlServer control;
    private boolean stopping;
    private boolean reloading;
    private WorkerCds cds;

    Master(MasterOptions options, SluiceConfig config) {
        this.options = options;
        this.config = config;
    }

    /** Runs until stopped; returns the exit code. */
    int run() {
        if (!Epoll.isAvailable()) {
            log.error("Netty's native epoll transport is not available ({}); Sluice needs Linux (x86_64 or aarch64) "
                    + "and the netty-transport-native-epoll jar for it in lib/", String.valueOf(Epoll.unavailabilityCause()));
            return ExitCodes.BAD_CONFIG;
        }
        run = new RunDirectory(config.paths().runDir(options.home()));
        try {
            run.acquire();
        } catch (RunDirectory.AlreadyRunningException e) {
            log.error("{}", e.getMessage());
            return ExitCodes.FAILURE;
        } catch (IOException e) {
            log.error("cannot use the run directory {}: {}", run.dir(), e.getMessage());
            return ExitCodes.FAILURE;
        }
        try {
            checkPortFree(config);
            TcpMigrate.apply(config.worker().migrateQueuedConnections());
            io = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("channel"), EpollIoHandler.newFactory());
            channel = ChannelTransport.listen(run.channelSocket(), io, this::workerPeer);
            cds = new WorkerCds(run.dir());
            supervisor = new Supervisor(loop, new WorkerLauncher(run.channelSocket(), cds), config, directory::workerGone,
                    (id, generation) -> run.relaySocket(id, generation).toString());
            control = new ControlServer(run.controlSocket(), io, loop, supervisor, directory, new Actions());
            installSignalHandlers();
            warmUp();
            int workers = config.workers().resolve(Runtime.getRuntime().availableProcessors());
            loop.execute(() -> supervisor.startGeneration(workers).whenComplete((ok, failure) -> {
                if (failure == null) {
                    lifecycle.info("Sluice started: {} worker(s) on {}:{}, master pid {}", workers, config.rtmp().bind(),
                            config.rtmp().port(), ProcessHandle.current().pid());
                    cds.prepare(config.worker().jvmOptions());
                } else {
                    log.error("{}; stopping", failure.getMessage());
                    loop.execute(() -> stop(false, ExitCodes.BAD_CONFIG));
                }
            }));
        } catch (ConfigException e) {
            log.error("invalid configuration: {}", e.getMessage());
            shutdownResources();
            return ExitCodes.BAD_CONFIG;
        } catch (IOException e) {
            log.error("cannot start: {}", e.getMessage());
            shutdownResources();
            return ExitCodes.FAILURE;
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shutdownResources();
        lifecycle.info("stopped");
        return exitCode;
    }

    /**
     * Loads and runs the JSON paths of the channel once before any worker connects: on a busy
     * machine the first worker.identify otherwise waits seconds for the master's class loading.
     */
    private void warmUp() {
        ProtocolWarmUp.run(config, run.relaySocket(1, 1).toString());
    }

    /**
     * Refuses to start when something else listens on the RTMP port. Workers bind with
     * SO_REUSEPORT, which another process of the same user could share silently; this bind
     * without it fails whenever anything listens there.
     */
    private void checkPortFree(SluiceConfig config) throws ConfigException {
        String bind = config.rtmp().bind();
        int port = config.rtmp().port();
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(bind, port));
        } catch (IOException e) {
            throw ConfigLoader.problemWith(options.config(), "rtmp.port",
                    "cannot listen on " + bind + ":" + port + " (" + e.getMessage() + "); is another server using it?");
        }
    }

    private ChannelPeer workerPeer() {
        ChannelPeer peer = new ChannelPeer("worker", WorkerProtocol.PROTOCOL, REQUEST_TIMEOUT);
        peer.onRequestAsync(WorkerProtocol.IDENTIFY, (who, context) -> onLoop(() -> supervisor.identify(peer, who)));
        peer.onNotification(WorkerProtocol.RUNNING, (who, target) -> loop.execute(() -> supervisor.running(who)));
        peer.onRequestAsync(WorkerProtocol.CLAIM, (ref, context) -> onLoop(() -> directory.claim(worker(peer), ref)));
        peer.onRequestAsync(WorkerProtocol.RELEASE, (ref, context) -> onLoop(() -> {
            directory.release(worker(peer), ref);
            return null;
        }));
        peer.onRequestAsync(WorkerProtocol.LOCATE, (ref, context) -> onLoop(() -> directory.locate(worker(peer), ref)));
        peer.onNotification(WorkerProtocol.RELAY_OPENED, (ref, target) -> loop.execute(() ->
                directory.relayOpened(worker(peer), ref)));
        peer.onNotification(WorkerProtocol.RELAY_CLOSED, (ref, target) -> loop.execute(() ->
                directory.relayClosed(worker(peer), ref)));
        peer.onNotification(WorkerProtocol.WAIT_CANCELLED, (ref, target) -> loop.execute(() ->
                directory.waitCancelled(worker(peer), ref)));
        peer.closeFuture().whenComplete((v, e) -> loop.execute(() -> supervisor.channelClosed(peer)));
        return peer;
    }

    /** The identified worker on {@code peer}; refuses requests from a connection that did not identify. */
    private WorkerHandle worker(ChannelPeer peer) {
        WorkerHandle h = supervisor.byPeer(peer);
        if (h == null) {
            throw new ChannelRequestException(ErrorCode.NOT_IDENTIFIED, "send worker.identify first");
        }
        return h;
    }

    /** Runs {@code work} on the master loop; channel handlers return the stage. */
    private <T> CompletableFuture<T> onLoop(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, loop);
    }

    /**
     * Signals become events on the master loop (nginx's model). TERM and INT stop; QUIT is the
     * JVM's own (thread dump), so it is not available to us.
     */
    private void installSignalHandlers() {
        Signal.handle(new Signal("TERM"), s -> loop.execute(() -> stop(false, ExitCodes.OK)));
        Signal.handle(new Signal("INT"), s -> loop.execute(() -> stop(false, ExitCodes.OK)));
        Signal.handle(new Signal("HUP"), s -> loop.execute(() -> reload("SIGHUP")));
    }

    /**
     * Re-reads the configuration file and applies it (SIGHUP, {@code bin/ctl reload}). On the
     * loop. An invalid file changes nothing; keys that apply in place are pushed to the running
     * workers; keys that need new processes start a new generation while the old one drains.
     * Run and log directories need a restart: a reload that changes them is refused.
     */
    CompletableFuture<ReloadReport> reload(String trigger) {
        if (stopping) {
            return refused(trigger, ErrorCode.STOPPING, "the server is stopping");
        }
        if (reloading) {
            return refused(trigger, ErrorCode.BUSY, "a reload is already in progress; try again when it has finished");
        }
        long t0 = System.nanoTime();
        SluiceConfig next;
        try {
            next = ConfigLoader.loadOrDefaults(options.config());
        } catch (ConfigException e) {
            return refused(trigger, ErrorCode.INVALID_CONFIG, e.getMessage() + "; the running configuration stays as it was");
        }
        SluiceConfig current = supervisor.config();
        List<ConfigDiff.Change> changes = ConfigDiff.between(current, next);
        ConfigDiff.Apply how = ConfigDiff.strongest(changes).orElse(null);
        if (how == null) {
            log.info("reload ({}): {} has not changed", trigger, options.config());
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
                && (current.rtmp().port() != next.rtmp().port() || !current.rtmp().bind().equals(next.rtmp().bind()))) {
            try {
                checkPortFree(next);
            } catch (ConfigException e) {
                return refused(trigger, ErrorCode.INVALID_CONFIG, e.getMessage() + "; the running configuration stays as it was");
            }
        }
        for (ConfigDiff.Change c : changes) {
            log.info("reload ({}): {}: {} -> {} ({})", trigger, c.key(), c.oldValue(), c.newValue(),
                    c.apply().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
        reloading = true;
        LogLevels.apply(next.log().level());
        TcpMigrate.apply(next.worker().migrateQueuedConnections());
        CompletableFuture<ReloadReport> result;
        if (how == ConfigDiff.Apply.IN_PLACE) {
            result = supervisor.applyInPlace(next).thenApply(n -> {
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                return new ReloadReport(changes, "in place", supervisor.generation(), ms,
                        "applied in place to " + n + " worker(s) in " + ms + " ms; no process restarted");
            });
        } else {
            int workers = next.workers().resolve(Runtime.getRuntime().availableProcessors());
            int old = supervisor.generation();
            result = supervisor.replaceGeneration(next, workers).thenApply(v -> {
                cds.prepare(next.worker().jvmOptions());
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                return new ReloadReport(changes, "new generation", supervisor.generation(), ms,
                        "generation " + supervisor.generation() + " (" + workers + " worker(s)) running in " + ms
                                + " ms; generation " + old + " drains its sessions (at most "
                                + DurationUtil.format(next.worker().drainTimeout()) + ")");
            });
        }
        return result.whenCompleteAsync((r, failure) -> {
            reloading = false;
            if (failure == null) {
                log.info("reload ({}): {}", trigger, r.summary());
            } else {
                log.error("reload ({}) failed: {}", trigger, unwrap(failure).getMessage());
            }
        }, loop).exceptionallyCompose(failure -> {
            return CompletableFuture.failedFuture(new ChannelRequestException(ErrorCode.RELOAD_FAILED, unwrap(failure).getMessage()));
        });
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
    }

    private CompletableFuture<ReloadReport> refused(String trigger, ErrorCode error, String reason) {
        log.error("reload ({}) refused: {}", trigger, reason);
        return CompletableFuture.failedFuture(new ChannelRequestException(error, reason));
    }

    /**
     * The graceful stop (nginx's QUIT, which the JVM keeps for itself): workers close their
     * listeners and stop once their sessions have ended, at most {@code drain_timeout} later;
     * then the master exits. A SIGTERM meanwhile stops at once, as usual. On the loop.
     */
    void stopDraining() {
        if (stopping) {
            return;
        }
        stopping = true;
        log.info("stopping once the sessions have ended (at most {})",
                DurationUtil.format(supervisor.config().worker().drainTimeout()));
        supervisor.stopDraining().whenComplete((v, e) -> done.countDown());
    }

    /** Stops every worker (with escalation, or at once), then the master. On the loop. */
    void stop(boolean now, int code) {
        if (stopping && !supervisor.draining()) {
            return;
        }
        stopping = true;
        exitCode = code;
        log.info("stopping{}", now ? " now" : "");
        supervisor.stop(now).whenComplete((v, e) -> done.countDown());
    }

    /** What the control socket asks of the master; on the master loop. */
    private final class Actions implements ControlServer.ControlActions {
        @Override
        public StatusView status() {
            List<StatusView.WorkerView> workers = new ArrayList<>();
            for (WorkerHandle w : supervisor.workers()) {
                WorkerLoad l = w.load();
                workers.add(new StatusView.WorkerView(w.id(), w.pid(), w.generation(), w.state().name().toLowerCase(Locale.ROOT),
                        w.runningMillis(), l == null ? 0 : l.connections(), l == null ? 0 : l.publishers(),
                        l == null ? 0 : l.players(), l == null ? 0 : l.streams(), l == null ? 0 : l.bytesIn(),
                        l == null ? 0 : l.bytesOut(), l == null ? 0 : l.heapUsed(), w.rttMicros(50), w.rttMicros(99),
                        l == null ? 0 : l.refused()));
            }
            SluiceConfig c = supervisor.config();
            return new StatusView(ProcessHandle.current().pid(), (System.nanoTime() - startedNanos) / 1_000_000,
                    supervisor.generation(), options.config().toString(), c.rtmp().bind(), c.rtmp().port(), workers,
                    supervisor.givenUp());
        }

        @Override
        public CompletableFuture<ReloadReport> reload() {
            return Master.this.reload("bin/ctl reload");
        }

        @Override
        public void stop(boolean now, boolean drain) {
            if (drain) {
                Master.this.stopDraining();
            } else {
                Master.this.stop(now, ExitCodes.OK);
            }
        }
    }

    private void shutdownResources() {
        if (cds != null) {
            cds.close();
        }
        if (control != null) {
            control.close();
        }
        if (channel != null) {
            channel.close();
        }
        if (io != null) {
            io.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        loop.shutdownNow();
        if (run != null) {
            run.close();
        }
    }
}
