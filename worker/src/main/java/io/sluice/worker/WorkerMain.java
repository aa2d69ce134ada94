package io.sluice.worker;

import io.sluice.common.ExitCodes;
import io.sluice.common.config.ConfigException;
import io.sluice.common.config.ConfigLoader;
import io.sluice.common.config.SluiceConfig;
import io.sluice.common.log.LogLevels;
import io.sluice.common.log.ProcessTag;
import io.sluice.worker.rtmp.session.SessionSettings;
import io.sluice.worker.stream.GopSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point of a worker process.
 *
 * <pre>
 *   WorkerMain [-c FILE] [--port N]                                standalone, no master
 *   WorkerMain --id N --generation G --channel SOCKET [-c FILE]     spawned by the master
 * </pre>
 * Exit codes: {@link ExitCodes#BAD_CONFIG} for an invalid configuration or a port that cannot be
 * bound (the master does not respawn it), {@link ExitCodes#USAGE} for a bad command line.
 */
public final class WorkerMain {

    private WorkerMain() {
    }

    public static void main(String[] args) {
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
        SluiceConfig config;
        try {
            config = options.config() == null ? SluiceConfig.defaults() : ConfigLoader.loadOrDefaults(options.config());
        } catch (ConfigException e) {
            log.error("invalid configuration: {}", e.getMessage());
            System.exit(ExitCodes.BAD_CONFIG);
            return;
        }
        System.exit(runStandalone(config, options, log));
    }

    private static int runStandalone(SluiceConfig config, WorkerOptions options, Logger log) {
        LogLevels.apply(config.log().level());
        int threads = config.worker().threads().resolve(Runtime.getRuntime().availableProcessors(), 1);
        int port = options.port() > 0 ? options.port() : config.rtmp().port();
        RtmpServer server;
        try {
            server = new RtmpServer(threads, SessionSettings.from(config), GopSettings.from(config.gopCache()));
        } catch (IllegalStateException noEpoll) {
            log.error("{}", noEpoll.getMessage());
            return ExitCodes.BAD_CONFIG;
        }
        try {
            server.bind(config.rtmp().bind(), port);
        } catch (Exception e) {
            server.close();
            if (e instanceof BindException || e.getCause() instanceof BindException
                    || String.valueOf(e.getMessage()).contains("Address already in use")) {
                log.error("cannot listen on {}:{}: {}", config.rtmp().bind(), port, e.getMessage());
                return ExitCodes.BAD_CONFIG;
            }
            log.error("cannot start the RTMP listener", e);
            return ExitCodes.FAILURE;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping");
            server.close();
            stopped.countDown();
        }, "shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
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
