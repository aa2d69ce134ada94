package io.sluice.worker;

import io.sluice.common.ExitCodes;
import io.sluice.common.config.ConfigException;
import io.sluice.common.config.ConfigLoader;
import io.sluice.common.config.SluiceConfig;
import io.sluice.common.log.LogLevels;
import io.sluice.common.log.ProcessTag;
import io.sluice.common.config.HlsSettings;
import io.sluice.worker.hls.HlsService;
import io.sluice.worker.http.HttpListener;
import io.sluice.worker.http.HttpServerSettings;
import io.sluice.worker.rtmp.server.RtmpListener;
import io.sluice.worker.rtmp.session.SessionSettings;
import io.sluice.worker.runtime.WorkerRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sluice.worker.channel.MasterClusterView;
import io.sluice.worker.channel.MasterLink;
import io.sluice.worker.relay.RelayManager;
import io.sluice.worker.stream.ClusterView;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Entry point of a worker process.
 *
 * <pre>
 *   WorkerMain [-c FILE] [--port N]                                standalone, no master
 *   WorkerMain --id N --generation G --channel SOCKET [-c FILE]     spawned by the master
 *   WorkerMain --warm-up                                            training run for the CDS archive
 * </pre>
 * Exit codes: {@link ExitCodes#BAD_CONFIG} for an invalid configuration or a port that cannot be
 * bound (the master does not respawn it), {@link ExitCodes#USAGE} for a bad command line.
 */
public final class WorkerMain {

    private WorkerMain() {
    }

    public static void main(String[] args) {
        // Netty 4.2's Recycler checks its owner thread's state (Thread.getState) on every
        // recycle; for the outbound-buffer entries of 1000 players that was 8 % of the fan-out's
        // user CPU, more than allocating the small entries afresh costs. Set before Netty loads.
        if (System.getProperty("io.netty.recycler.maxCapacityPerThread") == null) {
            System.setProperty("io.netty.recycler.maxCapacityPerThread", "0");
        }
        if (args.length == 1 && args[0].equals("--warm-up")) {
            int code;
            try {
                code = WarmUp.run();
            } catch (Exception e) {
                System.err.println("sluice worker: warm-up failed: " + e);
                code = ExitCodes.FAILURE;
            }
            System.exit(code);
            return;
        }
        WorkerOptions options;
        try {
            options = WorkerOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("sluice worker: " + e.getMessage());
            System.err.println(WorkerOptions.USAGE);
            System.exit(ExitCodes.USAGE);
            return;
        }
        ProcessTag.set(options.managed() ? "worker-" + options.id() + ".g" + options.generation() : "worker");
        Logger log = LoggerFactory.getLogger(WorkerMain.class);
        System.exit(options.managed() ? runManaged(options, log) : runStandalone(options, log));
    }

    /** Spawned by the master: identify over the channel, take its configuration, bind, report running. */
    private static int runManaged(WorkerOptions options, Logger log) {
        EventLoopGroup channelGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("channel"),
                EpollIoHandler.newFactory());
        MasterLink.Connected connected;
        try {
            connected = MasterLink.connect(options.channel(), channelGroup, options.id(), options.generation());
        } catch (IOException e) {
            log.error("cannot reach the master at {}: {}", options.channel(), e.getMessage());
            return ExitCodes.FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILURE;
        }
        SluiceConfig config = connected.reply().config();
        int workers = config.workers().resolve(Runtime.getRuntime().availableProcessors());
        MasterClusterView cluster = new MasterClusterView(connected.link().peer());
        Path runDir = Path.of(connected.reply().relayEndpoint()).toAbsolutePath().getParent();
        Started started = start(config, workers, config.rtmp().port(), cluster, runDir, log);
        if (started.exitCode != ExitCodes.OK) {
            return started.exitCode;
        }
        WorkerRuntime runtime = started.runtime;
        RelayManager relays = new RelayManager(runtime.registry(), runtime.group(), cluster,
                config.players().idleRelayLinger());
        cluster.relays(relays);
        relays.clusterSecret(() -> runtime.access().clusterSecret());
        Path relayEndpoint = Path.of(connected.reply().relayEndpoint());
        try {
            started.rtmp.bindRelayEndpoint(relayEndpoint);
        } catch (Exception e) {
            log.error("cannot listen on the relay endpoint {}: {}", relayEndpoint, e.toString());
            runtime.close();
            return ExitCodes.FAILURE;
        }
        Stopper stopper = new Stopper(runtime, relays, channelGroup, log);
        Runtime.getRuntime().addShutdownHook(new Thread(stopper::stopInHook, "shutdown"));
        connected.link().serve(runtime, started.port, relayEndpoint.toString(),
                next -> applySettings(next, runtime, relays, log), stopper::stopAndExit);
        return stopper.await();
    }

    /**
     * A reload's in-place settings: new sessions use them from now on, live streams take the GOP
     * cache settings at once (a disabled cache is dropped), relays their linger.
     */
    private static void applySettings(SluiceConfig next, WorkerRuntime runtime, RelayManager relays, Logger log) {
        LogLevels.apply(next.log().level());
        runtime.updateSettings(next);
        relays.updateLinger(next.players().idleRelayLinger());
        log.info("settings updated by the master (gop cache {}, log level {}, chunk size {}, publisher timeout {}, "
                + "slow timeout {})", next.gopCache().enabled() ? "on" : "off",
                next.log().level().name().toLowerCase(java.util.Locale.ROOT), next.rtmp().chunkSize(),
                next.rtmp().publisherTimeout(), next.players().slowTimeout());
    }

    /** Without a master: read the file given with -c (or use the defaults) and serve until SIGTERM. */
    private static int runStandalone(WorkerOptions options, Logger log) {
        SluiceConfig config;
        try {
            config = options.config() == null ? SluiceConfig.defaults() : ConfigLoader.loadOrDefaults(options.config());
        } catch (ConfigException e) {
            log.error("invalid configuration: {}", e.getMessage());
            return ExitCodes.BAD_CONFIG;
        }
        int port = options.port() > 0 ? options.port() : config.rtmp().port();
        Started started = start(config, 1, port, ClusterView.STANDALONE, config.paths().runDir(home()), log);
        if (started.exitCode != ExitCodes.OK) {
            return started.exitCode;
        }
        Stopper stopper = new Stopper(started.runtime, null, null, log);
        Runtime.getRuntime().addShutdownHook(new Thread(stopper::stopInHook, "shutdown"));
        return stopper.await();
    }

    private record Started(WorkerRuntime runtime, RtmpListener rtmp, int port, int exitCode) {

        static Started failed(int exitCode) {
            return new Started(null, null, 0, exitCode);
        }
    }

    /**
     * Creates the worker's runtime with its RTMP and HTTP listeners and binds their ports; a port
     * that cannot be bound is a bad configuration.
     */
    /** SLUICE_HOME, as the master finds it: relative paths of the configuration are relative to it. */
    private static Path home() {
        return Path.of(System.getProperty("sluice.home", System.getenv().getOrDefault("SLUICE_HOME", ".")))
                .toAbsolutePath().normalize();
    }

    /** {@code hls.path}: "auto" is {@code <run_dir>/hls}, a relative path is relative to SLUICE_HOME. */
    static Path hlsRoot(HlsSettings hls, Path runDir) {
        return hls.path().equals(HlsSettings.AUTO_PATH) ? runDir.resolve("hls") : home().resolve(hls.path());
    }

    private static Started start(SluiceConfig config, int workers, int port, ClusterView cluster, Path runDir,
                                 Logger log) {
        LogLevels.apply(config.log().level());
        int threads = config.worker().threads().resolve(Runtime.getRuntime().availableProcessors(), workers);
        WorkerRuntime runtime;
        try {
            runtime = WorkerRuntime.from(config, threads);
        } catch (IllegalStateException noEpoll) {
            log.error("{}", noEpoll.getMessage());
            return Started.failed(ExitCodes.BAD_CONFIG);
        }
        runtime.cluster(cluster);
        if (cluster instanceof MasterClusterView managed) {
            runtime.access().limits(managed.limits()); // before any client is accepted
        }
        RtmpListener rtmp = new RtmpListener(runtime, SessionSettings.from(config));
        String where = "rtmp.port / rtmp.bind";
        String host = config.rtmp().bind();
        int listening = port;
        try {
            int bound = rtmp.bind(host, port).getPort();
            if (config.http().enabled()) {
                where = "http.port / http.bind";
                host = config.http().bind();
                listening = config.http().port();
                HttpListener http = new HttpListener(runtime, HttpServerSettings.from(config));
                // Every worker serves HLS files, whichever worker wrote them; each segments what is published on it.
                Path hlsRoot = hlsRoot(config.hls(), runDir);
                HlsService hls = new HlsService(runtime, hlsRoot, config.hls());
                http.serveHls(hlsRoot.toAbsolutePath().normalize(), hls.blockingReload());
                http.bind(host, listening);
            }
            return new Started(runtime, rtmp, bound, ExitCodes.OK);
        } catch (Exception e) {
            runtime.close();
            if (e instanceof BindException || e.getCause() instanceof BindException
                    || String.valueOf(e.getMessage()).contains("Address already in use")) {
                log.error("cannot listen on {}:{}: {} ({})", host, listening, e.getMessage(), where);
                return Started.failed(ExitCodes.BAD_CONFIG);
            }
            log.error("cannot start the listeners", e);
            return Started.failed(ExitCodes.FAILURE);
        } catch (Throwable t) {
            runtime.close();
            throw t;
        }
    }

    /**
     * Stops the worker once, whichever way the stop comes (worker.close, the channel closing,
     * SIGTERM), and within 2 s: a worker whose master is gone must not linger, so a stop that
     * takes longer is cut short with {@code Runtime.halt}.
     */
    private static final class Stopper {
        static final long HALT_AFTER_MS = 1800;

        private final WorkerRuntime runtime;
        private final RelayManager relays;
        private final EventLoopGroup channelGroup;
        private final Logger log;
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final CountDownLatch stopped = new CountDownLatch(1);

        Stopper(WorkerRuntime runtime, RelayManager relays, EventLoopGroup channelGroup, Logger log) {
            this.runtime = runtime;
            this.relays = relays;
            this.channelGroup = channelGroup;
            this.log = log;
        }

        int await() {
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ExitCodes.OK;
        }

        void stopAndExit() {
            stop();
            System.exit(ExitCodes.OK);
        }

        void stopInHook() {
            stop();
        }

        private void stop() {
            if (!stopping.compareAndSet(false, true)) {
                return;
            }
            Thread watchdog = new Thread(() -> {
                try {
                    Thread.sleep(HALT_AFTER_MS);
                    Runtime.getRuntime().halt(ExitCodes.OK);
                } catch (InterruptedException ignored) {
                    // stopped in time
                }
            }, "stop-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            log.info("stopping ({} connections)", runtime.connectionCount());
            if (relays != null) {
                relays.close();
            }
            runtime.close();
            if (channelGroup != null) {
                channelGroup.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS);
            }
            stopped.countDown();
        }
    }

    /** Command line of a worker. */
    record WorkerOptions(Path config, int port, int id, int generation, Path channel) {

        static final String USAGE = "usage: WorkerMain [-c FILE] [--port N] | --id N --generation G --channel SOCKET [-c FILE]";

        boolean managed() {
            return channel != null;
        }

        static WorkerOptions parse(String[] args) {
            Path config = null;
            Path channel = null;
            int port = 0;
            int id = 0;
            int generation = 0;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "-c", "--config" -> config = Path.of(value(args, ++i, a));
                    case "--channel" -> channel = Path.of(value(args, ++i, a));
                    case "--port" -> port = number(value(args, ++i, a), a, 1, 65535);
                    case "--id" -> id = number(value(args, ++i, a), a, 1, Integer.MAX_VALUE);
                    case "--generation" -> generation = number(value(args, ++i, a), a, 1, Integer.MAX_VALUE);
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            }
            if (channel != null && (id == 0 || generation == 0)) {
                throw new IllegalArgumentException("--channel needs --id and --generation");
            }
            return new WorkerOptions(config, port, id, generation, channel);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException("option " + option + " needs a value");
            }
            return args[i];
        }

        private static int number(String value, String option, int min, int max) {
            try {
                int n = Integer.parseInt(value);
                if (n < min || n > max) {
                    throw new IllegalArgumentException("option " + option + " must be " + min + ".." + max + ", got " + value);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("option " + option + " needs a number, got '" + value + "'");
            }
        }
    }
}
