package io.sluice.master.it;

import io.sluice.common.testing.Processes;
import io.sluice.worker.it.FreePorts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real Sluice for integration tests: {@code bin/start} in the foreground (the master JVM and
 * its worker JVMs), its own port, run and log directories under a temporary directory, paranoid
 * leak detection. {@link #close()} stops it with SIGTERM, checks that no process is left behind
 * and that the log holds no ERROR (unless the test expected one) and no leak report.
 */
public final class SluiceServer implements AutoCloseable {

    /** The repository root: integration tests run in the master module's directory. */
    public static final Path HOME = Path.of("..").toAbsolutePath().normalize();

    private final Processes processes = new Processes();
    private final Path dir;
    private final Path config;
    private final Path log;
    private final int port;
    /** Also free: several servers (and other helpers' builds) must not all bind the default 8080. */
    private final int httpPort = FreePorts.next();
    /** Likewise for the master's operator listener (api.listen, default 127.0.0.1:1985). */
    private final int apiPort = FreePorts.next();
    private Process master;
    private final List<String> expectedErrors = new ArrayList<>();
    private List<ProcessHandle> family = List.of();

    private SluiceServer(Path dir, Path config, Path log, int port) {
        this.dir = dir;
        this.config = config;
        this.log = log;
        this.port = port;
    }

    /** Writes a configuration (a free port, directories under {@code dir}, then {@code yaml}) and starts. */
    public static SluiceServer start(Path dir, String yaml) throws IOException, InterruptedException {
        SluiceServer s = configure(dir, yaml);
        s.startMaster();
        return s;
    }

    /**
     * As {@link #start(Path, String)}, with more keys of the {@code rtmp:} section: {@code rtmp}
     * holds them as lines indented by two spaces.
     */
    public static SluiceServer start(Path dir, String rtmp, String yaml) throws IOException, InterruptedException {
        SluiceServer s = configure(dir, "");
        s.rewrite(rtmp, yaml);
        s.startMaster();
        return s;
    }

    /** Writes the configuration without starting. */
    public static SluiceServer configure(Path dir, String yaml) throws IOException {
        int port = FreePorts.next();
        SluiceServer s = new SluiceServer(dir, dir.resolve("sluice.yaml"), dir.resolve("master.log"), port);
        s.rewrite(yaml);
        return s;
    }

    /**
     * Writes the configuration file again: this server's port and directories, then {@code yaml}
     * (which must not hold an {@code rtmp:}, {@code http:} or {@code paths:} section; use
     * {@link #rewriteRaw}), then this server's HTTP port (last, so line numbers in {@code yaml}
     * stay as the tests count them).
     */
    public void rewrite(String yaml) throws IOException {
        rewrite("", yaml);
    }

    /** As {@link #rewrite(String)}, with {@code rtmp} (lines indented by two spaces) in the rtmp: section. */
    public void rewrite(String rtmp, String yaml) throws IOException {
        rewriteRaw("rtmp:\n  port: " + port + "\n" + rtmp + "paths:\n  run_dir: " + dir.resolve("run") + "\n  log_dir: "
                + dir.resolve("logs") + "\n" + yaml + (yaml.isEmpty() || yaml.endsWith("\n") ? "" : "\n")
                + httpYaml());
    }

    /**
     * This server's {@code http:} and {@code api:} sections (its free HTTP and API ports), for
     * tests that write the whole file.
     */
    public String httpYaml() {
        return "http:\n  port: " + httpPort + "\n" + apiYaml("");
    }

    /** The {@code api:} section with this server's free port, then {@code more} (keys indented by two spaces). */
    public String apiYaml(String more) {
        return "api:\n  listen: \"127.0.0.1:" + apiPort + "\"\n" + more;
    }

    /** The port of the master's HTTP API, metrics and dashboard. */
    public int apiPort() {
        return apiPort;
    }

    /** The HTTP-FLV port of this server's workers. */
    public int httpPort() {
        return httpPort;
    }

    /** Writes {@code text} as the configuration file, as it is. */
    public void rewriteRaw(String text) throws IOException {
        Files.writeString(config, text);
    }

    /** Environment for the bin/ scripts: never build (the test runs on what Maven built). */
    public static Map<String, String> scriptEnvironment() {
        return Map.of("SLUICE_BUILD", "never", "SLUICE_MASTER_OPTS",
                "-Xmx64m -XX:+UseSerialGC -Dio.netty.leakDetectionLevel=paranoid");
    }

    /** Starts the master on the configuration written so far ({@link #configure}, {@link #rewriteRaw}). */
    public void startMaster() throws IOException, InterruptedException {
        startMaster(List.of());
    }

    /**
     * As {@link #startMaster()}, through {@code wrapper}, a command that ends by exec'ing its
     * arguments in the same process (so the master's pid is the one started here), e.g.
     * {@code ip netns exec NAME} to run the host in a network namespace.
     */
    public void startMaster(List<String> wrapper) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(HOME.resolve("bin/start").toString(), "-c", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(scriptEnvironment());
        master = processes.start(log, pb);
        awaitLog("Sluice started", 60);
    }

    public int port() {
        return port;
    }

    public Path config() {
        return config;
    }

    public Path dir() {
        return dir;
    }

    public long masterPid() {
        return master.pid();
    }

    public Process masterProcess() {
        return master;
    }

    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Log lines matching {@code regex} so far. */
    public List<String> logLines(String regex) throws IOException {
        Pattern p = Pattern.compile(regex);
        return log().lines().filter(l -> p.matcher(l).find()).toList();
    }

    /** Marks an ERROR line containing {@code text} as expected by the test. */
    public void expectError(String text) {
        expectedErrors.add(text);
    }

    /** Waits for a log line containing {@code text}. */
    public void awaitLog(String text, int seconds) throws IOException, InterruptedException {
        awaitLogCount(text, 1, seconds);
    }

    /** Waits until {@code count} lines contain {@code text}. */
    public void awaitLogCount(String text, int count, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (log().lines().filter(l -> l.contains(text)).count() >= count) {
                return;
            }
            if (!master.isAlive()) {
                fail("the master exited (" + master.exitValue() + ") before logging '" + text + "':\n"
                        + Processes.tail(log, 40));
            }
            Thread.sleep(50);
        }
        fail("no " + count + " line(s) with '" + text + "' within " + seconds + " s:\n" + Processes.tail(log, 40));
    }

    /**
     * The worker JVMs: the master's children running WorkerMain with a channel (not the
     * class-data-sharing training run, {@code WorkerMain --warm-up}, that a first start makes).
     */
    public List<ProcessHandle> workers() {
        return master.toHandle().children()
                .filter(h -> h.info().arguments().map(List::of)
                        .map(a -> a.contains("io.sluice.worker.WorkerMain") && a.contains("--channel")).orElse(false))
                .toList();
    }

    /** Pid of the worker with this id, from the master's "worker N (pid P, generation G) running" lines. */
    public long workerPid(int id) throws IOException {
        Matcher last = null;
        Matcher m = Pattern.compile("worker " + id + " \\(pid (\\d+), generation \\d+\\) running").matcher(log());
        long pid = -1;
        while (m.find()) {
            pid = Long.parseLong(m.group(1));
        }
        return pid;
    }

    /** Listeners on our port with their pid, from {@code ss -ltnp}. */
    public List<Long> listenerPids() throws IOException, InterruptedException {
        return ssPids("ss", "-Hltnp", "sport = :" + port);
    }

    /** Pid of the server process holding the established connection from local port {@code clientPort}. */
    public Optional<Long> serverPidFor(int clientPort) throws IOException, InterruptedException {
        List<Long> pids = ssPids("ss", "-Htnp", "state", "established", "( sport = :" + port + " and dport = :"
                + clientPort + " )");
        return pids.stream().findFirst();
    }

    /**
     * A connection to {@code serverPort} (this server's RTMP or HTTP port) that a worker other than
     * {@code avoidPid} accepted. The kernel picks the worker, so this connects up to 60 times (each
     * a coin toss with two workers) and closes the connections that landed on {@code avoidPid}.
     */
    public java.net.Socket connectAvoiding(int serverPort, long avoidPid) throws IOException, InterruptedException {
        for (int i = 0; i < 60; i++) {
            java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), serverPort);
            Optional<Long> pid = Optional.empty();
            for (int j = 0; j < 100 && pid.isEmpty(); j++) { // ss names the process once it accepted
                pid = ssPids("ss", "-Htnp", "state", "established", "( sport = :" + serverPort + " and dport = :"
                        + socket.getLocalPort() + " )").stream().findFirst();
                if (pid.isEmpty()) {
                    Thread.sleep(20);
                }
            }
            if (pid.isPresent() && pid.get() != avoidPid) {
                return socket;
            }
            socket.close();
        }
        fail("no connection to port " + serverPort + " landed on a worker other than pid " + avoidPid + " in 60 tries");
        return null;
    }

    /** Pid of the worker holding the established HTTP connection from local port {@code clientPort}. */
    public Optional<Long> httpServerPidFor(int clientPort) throws IOException, InterruptedException {
        return ssPids("ss", "-Htnp", "state", "established", "( sport = :" + httpPort + " and dport = :"
                + clientPort + " )").stream().findFirst();
    }

    /**
     * Pid of the server process for every established connection to our port, by the client's
     * local port: one {@code ss} run for many clients.
     */
    public Map<Integer, Long> serverPidsByClientPort() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ss", "-Htnp", "state", "established", "( sport = :" + port + " )")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        Map<Integer, Long> pids = new HashMap<>();
        // Recv-Q Send-Q LOCAL:PORT PEER:PORT users:(("java",pid=P,fd=F))
        Matcher m = Pattern.compile(":" + port + "\\s+\\S+:(\\d+)\\s+users:\\(\\(\"[^\"]*\",pid=(\\d+)").matcher(out);
        while (m.find()) {
            pids.put(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
        }
        return pids;
    }

    private List<Long> ssPids(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        List<Long> pids = new ArrayList<>();
        Matcher m = Pattern.compile("pid=(\\d+)").matcher(out);
        while (m.find()) {
            pids.add(Long.parseLong(m.group(1)));
        }
        return pids;
    }

    /** Runs {@code bin/ctl -c CONFIG args}. */
    public Result ctl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(HOME.resolve("bin/ctl").toString(), "-c", config.toString()));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /** Runs a command with the scripts' environment; returns its exit code and output. */
    public static Result run(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(scriptEnvironment());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + cmd);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    /** A finished command. */
    public record Result(int exitCode, String out, String err) {
    }

    /** Remembers every process of this server, so {@link #close()} can check none is left. */
    private void rememberFamily() {
        List<ProcessHandle> all = new ArrayList<>(master.toHandle().descendants().toList());
        all.add(master.toHandle());
        family = all;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (master == null) {
            return;
        }
        rememberFamily();
        master.destroy(); // SIGTERM: a graceful stop
        boolean stopped = master.waitFor(30, TimeUnit.SECONDS);
        List<ProcessHandle> left = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (ProcessHandle h : family) {
            while (h.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (h.isAlive()) {
                left.add(h);
                h.destroyForcibly();
            }
        }
        processes.close();
        if (!stopped) {
            fail("the master did not stop within 30 s of SIGTERM:\n" + Processes.tail(log, 40));
        }
        assertEquals(List.of(), left.stream().map(ProcessHandle::pid).toList(), "processes left behind");
        List<String> bad = log().lines()
                .filter(l -> (l.contains(" ERROR ") && expectedErrors.stream().noneMatch(l::contains)) || l.contains("LEAK:"))
                .toList();
        assertEquals(List.of(), bad, "unexpected errors or leak reports in the log");
    }
}
