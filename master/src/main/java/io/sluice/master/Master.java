package io.sluice.master;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sluice.common.ExitCodes;
import io.sluice.common.channel.ChannelServer;
import io.sluice.common.channel.ChannelTransport;
import io.sluice.common.config.ConfigException;
import io.sluice.common.config.ClusterSettings;
import io.sluice.common.config.ConfigLoader;
import io.sluice.common.config.SluiceConfig;
import io.sluice.common.log.LogLevels;
import io.sluice.common.protocol.ProtocolWarmUp;
import io.sluice.common.protocol.control.ReloadReport;
import io.sluice.common.protocol.control.StatusView;
import io.sluice.common.protocol.control.StreamView;
import io.sluice.common.protocol.control.SummaryView;
import io.sluice.common.protocol.control.ClientView;
import io.sluice.common.protocol.control.KickResult;
import io.sluice.common.protocol.ClientRef;
import io.sluice.master.channel.WorkerLink;
import io.sluice.master.control.ControlServer;
import io.sluice.master.control.Reloader;
import io.sluice.master.control.StatusViews;
import io.sluice.master.directory.Admissions;
import io.sluice.master.directory.ClusterDirectory;
import io.sluice.master.directory.redis.RedisDirectory;
import io.sluice.master.control.WorkerQueries;
import io.sluice.master.directory.StreamDirectory;
import io.sluice.master.http.ApiBackend;
import io.sluice.master.http.ApiServer;
import io.sluice.master.http.MetricsPage;
import io.sluice.master.process.MasterCounters;
import io.sluice.master.process.GenerationSwap;
import io.sluice.master.process.HeartbeatMonitor;
import io.sluice.master.process.MasterLoop;
import io.sluice.master.process.Stopper;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The master process: owns the run directory and the sockets, wires the pieces together
 * (supervisor, heartbeat, stopper, reloader, the channel and control sockets) and runs the
 * master loop, the one thread on which signals, control commands and worker exits are handled,
 * in {@link MasterCycle}'s fixed order, by the {@link Lifecycle}.
 */
final class Master {

    private static final Logger log = LoggerFactory.getLogger(Master.class);
    private static final Logger lifecycleLog = LoggerFactory.getLogger(LogLevels.LIFECYCLE);

    private final MasterOptions options;
    private final SluiceConfig config;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            new DefaultThreadFactory("master"));
    private final MasterLoop loop = MasterLoop.of(executor);
    private final StreamDirectory directory = new StreamDirectory();
    /** The directory the workers ask: {@link #directory} alone, or with Redis across hosts. */
    private ClusterDirectory cluster;
    private Admissions admissions;
    private final TcpMigrate tcpMigrate = new TcpMigrate(TcpMigrate.SYSCTL);
    private final long startedNanos = System.nanoTime();
    private RunDirectory run;
    private EventLoopGroup io;
    private ChannelServer channel;
    private ControlServer control;
    private WorkerQueries queries;
    private ApiServer api;
    private WorkerCds cds;
    private Supervisor supervisor;
    private Lifecycle lifecycle;
    private MasterCycle cycle;

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
            checkPortFree(config, null);
            tcpMigrate.apply(config.worker().migrateQueuedConnections());
            wire();
            installSignalHandlers();
            ProtocolWarmUp.run(config, run.relaySocket(1, 1).toString());
            loop.execute(lifecycle::start);
        } catch (ConfigException e) {
            log.error("invalid configuration: {}", e.getMessage());
            shutdownResources();
            return ExitCodes.BAD_CONFIG;
        } catch (IOException e) {
            log.error("cannot start: {}", e.getMessage());
            shutdownResources();
            return ExitCodes.FAILURE;
        }
        int code = lifecycle.exited().join();
        shutdownResources();
        lifecycleLog.info("stopped");
        return code;
    }

    private void wire() throws IOException {
        io = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("channel"), EpollIoHandler.newFactory());
        cds = new WorkerCds(run.dir());
        admissions = new Admissions(() -> supervisor.config().apps());
        cluster = clusterDirectory(config);
        supervisor = new Supervisor(loop, new WorkerLauncher(run.channelSocket(), cds), config,
                exit -> cycle.exited(exit), worker -> {
                    cluster.workerGone(worker);
                    admissions.workerGone(worker);
                },
                (id, generation) -> run.relaySocket(id, generation).toString());
        HeartbeatMonitor heartbeat = new HeartbeatMonitor(loop, supervisor, HeartbeatMonitor.Pinger.overChannel());
        Stopper stopper = new Stopper(loop, () -> supervisor.config().worker());
        Reloader reloader = new Reloader(options.config(), loop, supervisor, heartbeat,
                new GenerationSwap(loop, supervisor, stopper, heartbeat), new ReloadHooks());
        lifecycle = new Lifecycle(loop, supervisor, heartbeat, stopper, reloader,
                () -> cds.prepare(config.worker().jvmOptions()));
        cycle = new MasterCycle(loop, lifecycle);
        channel = ChannelTransport.listen(run.channelSocket(), io,
                WorkerLink.factory(loop, supervisor, cluster, admissions));
        queries = new WorkerQueries(loop, supervisor, cluster);
        control = new ControlServer(run.controlSocket(), io, loop, supervisor, cluster, queries, new Actions());
        if (config.api().enabled()) {
            api = ApiServer.start(config.api(), new Api());
        }
        try {
            RunDirectoryRecord.write(options.home(), options.config(), run.dir());
        } catch (IOException e) {
            log.warn("cannot record the run directory under {} ({}): after an edit of paths.run_dir, bin/ctl and "
                    + "bin/stop will not find this master", options.home(), e.getMessage());
        }
    }

    /** The single-host directory, or the Redis-backed one when {@code cluster.redis} is set. */
    private ClusterDirectory clusterDirectory(SluiceConfig config) {
        ClusterSettings c = config.cluster();
        if (!c.enabled()) {
            return ClusterDirectory.local(directory);
        }
        String node = c.nodeOr(HostName.current());
        return RedisDirectory.start(directory, loop, c.redis(), c.redactedRedis(), node,
                c.advertiseOr(node, config.rtmp().port()), c.leaseTtl());
    }

    /**
     * Refuses to start when something else listens on the RTMP port or the HTTP port (when
     * enabled). Workers bind with SO_REUSEPORT, which another process of the same user could
     * share silently; this bind without it fails whenever anything listens there. On a reload
     * ({@code current} not null) only an address that changes is checked: the running workers
     * hold the others.
     */
    private void checkPortFree(SluiceConfig config, SluiceConfig current) throws ConfigException {
        if (current == null || current.rtmp().port() != config.rtmp().port()
                || !current.rtmp().bind().equals(config.rtmp().bind())) {
            probe(config.rtmp().bind(), config.rtmp().port(), "rtmp.port");
        }
        boolean httpChanged = current == null || !current.http().enabled() || current.http().port() != config.http().port()
                || !current.http().bind().equals(config.http().bind());
        if (config.http().enabled() && httpChanged) {
            probe(config.http().bind(), config.http().port(), "http.port");
        }
    }

    private void probe(String bind, int port, String key) throws ConfigException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(bind, port));
        } catch (IOException e) {
            throw ConfigLoader.problemWith(options.config(), key,
                    "cannot listen on " + bind + ":" + port + " (" + e.getMessage() + "); is another server using it?");
        }
    }

    /**
     * TERM and INT stop, HUP reloads; QUIT is the JVM's own (thread dump), so it is not available
     * to us. A signal this process inherited as ignored (nohup ignores HUP; a shell's background
     * job, INT) stays ignored whatever is installed here, so that is said once at start;
     * {@code bin/start} hands the master the default handling back where {@code env} can.
     */
    private void installSignalHandlers() {
        Signal.handle(new Signal("TERM"), s -> cycle.stop(false));
        Signal.handle(new Signal("INT"), s -> cycle.stop(false));
        Signal.handle(new Signal("HUP"), s -> cycle.reload("SIGHUP"));
        List<String> ignored = SignalsIgnored.ofThisProcess(List.of("HUP", "INT", "TERM"));
        if (!ignored.isEmpty()) {
            log.warn("signal(s) {} were ignored when the master started (nohup, or a shell's background job) and stay "
                    + "ignored: use bin/ctl reload and bin/ctl stop instead of kill, or start it with bin/start", ignored);
        }
    }

    /** What a reload changes in the master itself. */
    private final class ReloadHooks implements Reloader.Hooks {
        @Override
        public void checkListenAddress(SluiceConfig next) throws ConfigException {
            checkPortFree(next, supervisor.config());
        }

        @Override
        public void applyToMaster(SluiceConfig next) {
            LogLevels.apply(next.log().level());
            tcpMigrate.apply(next.worker().migrateQueuedConnections());
            if (api != null) {
                api.update(next.api());
            }
        }

        @Override
        public void generationRunning(SluiceConfig next) {
            cds.prepare(next.worker().jvmOptions());
        }
    }

    /** What the control socket asks of the master; status on the master loop, the rest through the cycle. */
    private final class Actions implements ControlServer.ControlActions {
        @Override
        public StatusView status() {
            return StatusViews.of(supervisor, (System.nanoTime() - startedNanos) / 1_000_000, options.config());
        }

        @Override
        public CompletableFuture<ReloadReport> reload() {
            return cycle.reload("bin/ctl reload");
        }

        @Override
        public void stop(boolean now, boolean drain) {
            if (drain) {
                cycle.stopDraining();
            } else {
                cycle.stop(now);
            }
        }
    }

    /**
     * What the HTTP API shows and does: the control socket's views and actions, so
     * {@code bin/ctl --json} and the API print the same records.
     */
    private final class Api implements ApiBackend {
        @Override
        public CompletableFuture<SummaryView> summary() {
            return CompletableFuture.supplyAsync(() -> StatusViews.summary(new Actions().status(), directory.all().size(),
                    Version.current()), loop);
        }

        @Override
        public CompletableFuture<StatusView> status() {
            return CompletableFuture.supplyAsync(new Actions()::status, loop);
        }

        @Override
        public CompletableFuture<WorkerQueries.Gathered<List<StreamView>>> streams(Duration deadline) {
            return queries.streams(deadline);
        }

        @Override
        public CompletableFuture<WorkerQueries.Gathered<List<ClientView>>> clients(Duration deadline) {
            return queries.clients(deadline);
        }

        @Override
        public CompletableFuture<KickResult> kick(String clientId, Duration deadline) {
            return queries.kick(new ClientRef(clientId), deadline);
        }

        @Override
        public CompletableFuture<ReloadReport> reload() {
            return CompletableFuture.supplyAsync(() -> cycle.reload("HTTP API"), loop).thenCompose(f -> f);
        }

        @Override
        public CompletableFuture<String> metrics() {
            return CompletableFuture.supplyAsync(() -> {
                List<MetricsPage.WorkerSample> workers = supervisor.workers().stream()
                        .map(w -> new MetricsPage.WorkerSample(w.id(), w.generation(),
                                w.state().name().toLowerCase(Locale.ROOT), w.load())).toList();
                MetricsPage.MasterSample master = new MetricsPage.MasterSample(Version.current(),
                        (System.nanoTime() - startedNanos) / 1_000_000, supervisor.generation(), owners(),
                        api.settings().streamMetrics() ? api.settings().streamMetricsMax() : 0, MasterCounters.respawns(), MasterCounters.reloads(), MasterCounters.RTT_BOUNDS,
                        MasterCounters.rttBuckets(), MasterCounters.rttSum());
                return new MetricsInput(master, workers, cluster.status());
            }, loop).thenApply(in -> MetricsPage.render(in.master, in.workers, in.cluster));
        }
    }

    private Map<String, Integer> owners() {
        Map<String, Integer> owners = new HashMap<>();
        directory.all().forEach(w -> owners.put(w.app() + "/" + w.name(), w.owner()));
        return owners;
    }

    private record MetricsInput(MetricsPage.MasterSample master, List<MetricsPage.WorkerSample> workers,
                                ClusterDirectory.Status cluster) {
    }

    private void shutdownResources() {
        if (api != null) {
            api.close();
        }
        if (cluster != null) {
            cluster.close();
        }
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
        executor.shutdownNow();
        tcpMigrate.restore("the master stops");
        if (run != null) {
            RunDirectoryRecord.remove(options.home(), options.config(), run.dir());
            run.close();
        }
    }
}
