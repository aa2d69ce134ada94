package io.sluice.master.cli;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.sluice.common.ExitCodes;
import io.sluice.common.channel.ChannelJson;
import io.sluice.common.channel.ChannelPeer;
import io.sluice.common.channel.ChannelRequestException;
import io.sluice.common.channel.ChannelTransport;
import io.sluice.common.channel.Method;
import io.sluice.common.config.ConfigException;
import io.sluice.common.config.ConfigLoader;
import io.sluice.common.config.SluiceConfig;
import io.sluice.common.protocol.ClientRef;
import io.sluice.common.protocol.StreamRef;
import io.sluice.common.protocol.control.ControlProtocol;
import io.sluice.common.protocol.control.PingOrder;
import io.sluice.common.protocol.control.StopOrder;
import io.sluice.master.RunDirectoryRecord;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code bin/ctl}: the control CLI. Talks JSON to the master's control socket, found through the
 * configuration's run directory (or the one the master started with this file recorded, see
 * {@link RunDirectoryRecord}). Human-readable tables by default, {@code --json} for scripts.
 * Exit code 0 on success; {@link ExitCodes#UNAVAILABLE} (69) when the server is not running;
 * {@link ExitCodes#USAGE} (64) for a bad command line; 1 when the server refused (one line says why).
 */
public final class CtlMain {

    static final String HELP = """
            usage: bin/ctl [-c FILE] COMMAND [ARGS] [--json]

            Commands:
              status              master pid, uptime, generation, config file, and each worker
              workers             each worker: pid, state, connections, players, heap, heartbeat
              streams             live streams: owner worker, relaying workers, publisher, players,
                                  bitrate, codecs, uptime
              clients             client sessions of every worker: id, address, protocol, role,
                                  stream, bytes
              where APP/NAME      which host and worker publish a stream, which workers and hosts
                                  relay it
              reload              re-read the configuration and apply it (like kill -HUP)
              ping [-n COUNT]     channel round trips master -> worker -> master, p50/p99 per worker
              kick CLIENT-ID      disconnect a client session (ids from 'clients')
              sign APP/NAME [--ttl 1h] [--host HOST]
                                  print signed URLs for a stream (apps.APP.secrets); no server needed
              stop [--now|--drain]
                                  stop the server (--now: no graceful worker.close; --drain: let
                                  the sessions end first, like nginx's QUIT)

            Options:
              -c, --config FILE   configuration file (default: conf/sluice.yaml), to find run_dir
              --json              print the server's JSON answer instead of a table
              -h, --help          this help; 'bin/ctl COMMAND --help' describes one command

            Exit codes: 0 success, 1 refused by the server, 64 bad usage, 69 server not running,
            78 invalid configuration file.
            """;

    private static final Map<String, String> COMMAND_HELP = Map.of(
            "status", "bin/ctl status [--json]\n  The master (pid, uptime, generation, configuration file) and its workers.",
            "workers", "bin/ctl workers [--json]\n  Each worker: id, pid, generation, state, connections, publishers, players\n"
                    + "  (by protocol: rtmp, http-flv, ws-flv),\n"
                    + "  streams, heap in use, uptime, heartbeat round trip (p50/p99).",
            "streams", "bin/ctl streams [--json]\n  Live streams: name, owner worker, relaying workers, publisher address,\n"
                    + "  players on all workers (by protocol), average bitrate, codecs, uptime.",
            "clients", "bin/ctl clients [--json]\n  Client sessions of every worker: worker, id, address, protocol (rtmp,\n"
                    + "  http-flv, ws-flv), role, stream,\n"
                    + "  bytes in/out, duration.",
            "where", "bin/ctl where APP/NAME [--json]\n  The worker that publishes APP/NAME and the workers that relay it;\n"
                    + "  in a cluster (cluster.redis) also the host that publishes it, found in Redis when it is\n"
                    + "  another host, and the other hosts that relay it.\n"
                    + "  Exit code 1 when it is not published.",
            "reload", "bin/ctl reload [--json]\n  Re-reads the configuration file and applies it, like kill -HUP: prints what\n"
                    + "  changed and how it was applied. An invalid file changes nothing; the error is printed\n"
                    + "  and the exit code is 1.",
            "ping", "bin/ctl ping [-n COUNT] [--json]\n  Sends COUNT (default 1000) worker.ping requests to each worker, one after the\n"
                    + "  other, and prints the round trip master -> worker -> master: p50, p99, max.",
            "kick", "bin/ctl kick CLIENT-ID\n  Disconnects one client session (ids from bin/ctl clients).",
            "sign", SignCommand.HELP,
            "stop", "bin/ctl stop [--now|--drain]\n  Stops the server: workers get worker.close, then SIGTERM, then SIGKILL after\n"
                    + "  worker.stop_timeout. --now skips worker.close. --drain is the graceful stop (nginx's QUIT,\n"
                    + "  which the JVM keeps for itself): workers close their listeners and stop once their\n"
                    + "  sessions have ended, at most worker.drain_timeout later; bin/ctl returns at once.");

    private CtlMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path home = Path.of(System.getProperty("sluice.home", System.getenv().getOrDefault("SLUICE_HOME", ".")))
                .toAbsolutePath().normalize();
        Path configFile = home.resolve("conf").resolve("sluice.yaml");
        boolean json = false;
        boolean help = false;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-c", "--config" -> {
                    if (++i >= args.length) {
                        err.println("sluice ctl: option -c needs a file");
                        return ExitCodes.USAGE;
                    }
                    configFile = Path.of(args[i]).toAbsolutePath();
                }
                case "--json" -> json = true;
                case "-h", "--help" -> help = true;
                default -> rest.add(args[i]);
            }
        }
        if (rest.isEmpty()) {
            (help ? out : err).print(HELP);
            return help ? ExitCodes.OK : ExitCodes.USAGE;
        }
        String command = rest.get(0);
        if (help) {
            String text = COMMAND_HELP.get(command);
            if (text == null) {
                err.println("sluice ctl: unknown command '" + command + "'; see bin/ctl --help");
                return ExitCodes.USAGE;
            }
            out.println(text);
            return ExitCodes.OK;
        }
        SluiceConfig config;
        Path runDir;
        try {
            config = ConfigLoader.loadOrDefaults(configFile);
            runDir = config.paths().runDir(home);
        } catch (ConfigException e) {
            // A reload of a broken file goes to the master all the same, which refuses it, logs
            // why and keeps running: the operator sees the one answer in both places.
            Path hinted = command.equals("reload") ? ConfigLoader.runDirHint(configFile, home) : null;
            if (hinted == null) {
                err.println("sluice ctl: invalid configuration: " + e.getMessage());
                return ExitCodes.BAD_CONFIG;
            }
            config = null;
            runDir = hinted;
        }
        if (command.equals("sign")) {
            if (config == null) {
                err.println("sluice ctl: invalid configuration, cannot sign");
                return ExitCodes.BAD_CONFIG;
            }
            return SignCommand.run(config, rest.subList(1, rest.size()), () -> System.currentTimeMillis() / 1000,
                    out, err);
        }
        // After an edit of paths.run_dir, the master started with this file still runs in the old one.
        runDir = RunDirectoryRecord.locate(home, configFile, runDir);
        if (command.equals("paths") && config != null) {
            // For the bin/ scripts: where the pid file and logs are.
            out.println("run_dir=" + runDir);
            out.println("log_dir=" + config.paths().logDir(home));
            out.println("pid_file=" + runDir.resolve("sluice.pid"));
            out.println("stop_timeout_ms=" + config.worker().stopTimeout().toMillis());
            return ExitCodes.OK;
        }
        Request<?, ?> request;
        try {
            request = Request.parse(rest);
        } catch (IllegalArgumentException e) {
            err.println("sluice ctl: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        return call(runDir.resolve("control.sock"), request, json, out, err);
    }

    /**
     * One control request from the command line: the method, its data, and how its answer is
     * printed as a table.
     */
    record Request<Q, R>(String command, Method<Q, R> method, Q data, Function<R, String> render) {

        static Request<?, ?> parse(List<String> words) {
            String command = words.get(0);
            List<String> args = words.subList(1, words.size());
            return switch (command) {
                case "status" -> none(command, args, ControlProtocol.STATUS, Render::status);
                case "workers" -> none(command, args, ControlProtocol.STATUS, s -> Render.workers(s).toString());
                case "streams" -> none(command, args, ControlProtocol.STREAMS, Render::streams);
                case "clients" -> none(command, args, ControlProtocol.CLIENTS, Render::clients);
                case "reload" -> none(command, args, ControlProtocol.RELOAD, Render::reload);
                case "ping" -> {
                    int count = PingOrder.DEFAULT_COUNT;
                    if (args.size() == 2 && args.get(0).equals("-n")) {
                        try {
                            count = Integer.parseInt(args.get(1));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("ping -n needs a number, got '" + args.get(1) + "'");
                        }
                    } else if (!args.isEmpty()) {
                        throw new IllegalArgumentException("ping takes only -n COUNT");
                    }
                    if (count < 1 || count > PingOrder.MAX_COUNT) {
                        throw new IllegalArgumentException("ping -n must be 1.." + PingOrder.MAX_COUNT + ", got " + count);
                    }
                    yield new Request<>(command, ControlProtocol.PING, new PingOrder(count), Render::ping);
                }
                case "where" -> {
                    if (args.size() != 1 || !args.get(0).matches("[^/]+/.+")) {
                        throw new IllegalArgumentException("where needs one stream as APP/NAME, e.g. live/cam");
                    }
                    int slash = args.get(0).indexOf('/');
                    yield new Request<>(command, ControlProtocol.WHERE,
                            new StreamRef(args.get(0).substring(0, slash), args.get(0).substring(slash + 1)), Render::where);
                }
                case "kick" -> {
                    if (args.size() != 1) {
                        throw new IllegalArgumentException("kick needs one client id (see bin/ctl clients)");
                    }
                    yield new Request<>(command, ControlProtocol.KICK, new ClientRef(args.get(0)), Render::kick);
                }
                case "stop" -> {
                    if (args.size() > 1 || (args.size() == 1 && !args.get(0).matches("--now|--drain"))) {
                        throw new IllegalArgumentException("stop takes --now or --drain");
                    }
                    String how = args.isEmpty() ? "" : args.get(0);
                    yield new Request<>(command, ControlProtocol.STOP,
                            new StopOrder(how.equals("--now"), how.equals("--drain")), none -> "stopping\n");
                }
                default -> throw new IllegalArgumentException("unknown command '" + command + "'; see bin/ctl --help");
            };
        }

        private static <R> Request<Void, R> none(String command, List<String> args, Method<Void, R> method,
                                                  Function<R, String> render) {
            if (!args.isEmpty()) {
                throw new IllegalArgumentException(command + " takes no arguments (got '" + String.join(" ", args) + "')");
            }
            return new Request<>(command, method, null, render);
        }
    }

    private static <Q, R> int call(Path socket, Request<Q, R> request, boolean json, PrintStream out,
                                   PrintStream err) {
        if (!Files.exists(socket)) {
            err.println("sluice ctl: Sluice is not running (no control socket at " + socket + ")");
            return ExitCodes.UNAVAILABLE;
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            ChannelPeer peer;
            try {
                peer = ChannelTransport.connect(socket, group,
                        new ChannelPeer("master", ControlProtocol.PROTOCOL, Duration.ofSeconds(30)));
            } catch (IOException e) {
                err.println("sluice ctl: Sluice is not running (cannot connect to " + socket + ": " + e.getMessage() + ")");
                return ExitCodes.UNAVAILABLE;
            }
            R answer;
            try {
                answer = peer.request(request.method(), request.data()).get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof ChannelRequestException refused) {
                    err.println("sluice ctl: " + request.command() + " failed: " + refused.reason());
                    return ExitCodes.FAILURE;
                }
                err.println("sluice ctl: " + request.command() + " failed: " + cause.getMessage());
                return ExitCodes.UNAVAILABLE;
            } catch (TimeoutException e) {
                err.println("sluice ctl: no answer from the master within 60 s");
                return ExitCodes.UNAVAILABLE;
            } finally {
                peer.close();
            }
            if (json) {
                out.println(ChannelJson.write(ChannelJson.toTree(answer)));
            } else {
                out.print(request.render().apply(answer));
            }
            return ExitCodes.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILURE;
        } finally {
            group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS);
        }
    }
}
