package io.sluice.worker.it;

import io.sluice.common.testing.Processes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A standalone worker in its own JVM (the test's classpath, the production logging
 * configuration, paranoid leak detection), for integration tests. {@link #close()} stops it with
 * SIGTERM and fails the test if its log holds an ERROR or a leak report.
 */
public final class WorkerProcess implements AutoCloseable {

    private final Processes processes;
    private final Process process;
    private final Path log;
    private final int port;
    private final int httpPort;

    private WorkerProcess(Processes processes, Process process, Path log, int port, int httpPort) {
        this.processes = processes;
        this.process = process;
        this.log = log;
        this.port = port;
        this.httpPort = httpPort;
    }

    public static WorkerProcess start(Path dir, String yaml) throws IOException, InterruptedException {
        return start(dir, yaml, List.of());
    }

    /** As above, with JVM options of the test's choosing (e.g. the workers' production limits). */
    public static WorkerProcess start(Path dir, String yaml, List<String> jvmOptions)
            throws IOException, InterruptedException {
        int port = FreePorts.next();
        // A free HTTP port too, unless the test chose its http section: workers of parallel
        // tests must not all bind the default 8080.
        int httpPort = yaml.contains("http:") ? 0 : FreePorts.next();
        Path config = dir.resolve("sluice.yaml");
        String text = httpPort == 0 ? yaml
                : yaml + (yaml.isEmpty() || yaml.endsWith("\n") ? "" : "\n") + "http:\n  port: " + httpPort + "\n";
        // HLS files go to the test's directory, not to run/hls under the build's working directory.
        if (!text.contains("hls:")) {
            text += "hls:\n  path: " + dir.resolve("hls") + "\n";
        }
        Files.writeString(config, text);
        Path log = dir.resolve("worker.log");
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx256m", "-Dio.netty.leakDetectionLevel=paranoid"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of(
                "-Dlogback.configurationFile=" + Path.of("..", "conf", "logback.xml").toAbsolutePath().normalize(),
                "-cp", System.getProperty("java.class.path"), "io.sluice.worker.WorkerMain",
                "--port", String.valueOf(port), "-c", config.toString()));
        Processes processes = new Processes();
        WorkerProcess started = new WorkerProcess(processes, processes.start(log, cmd), log, port, httpPort);
        try {
            started.awaitLog("RTMP listening", 20);
        } catch (AssertionError | IOException | InterruptedException e) {
            processes.close();
            throw e;
        }
        return started;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public int port() {
        return port;
    }

    /** The HTTP-FLV port this helper chose, 0 when the test's configuration has its own http section. */
    public int httpPort() {
        return httpPort;
    }

    public String url(String stream) {
        return "rtmp://127.0.0.1:" + port + "/live/" + stream;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    /** Waits for a line containing {@code text}. */
    public void awaitLog(String text, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                fail("worker exited (" + process.exitValue() + ") before logging '" + text + "':\n"
                        + Processes.tail(log, 40));
            }
            Thread.sleep(50);
        }
        fail("worker did not log '" + text + "' within " + seconds + " s:\n" + Processes.tail(log, 40));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy(); // SIGTERM: graceful stop through the shutdown hook
        boolean exited = process.waitFor(10, TimeUnit.SECONDS);
        processes.close();
        String text = Files.readString(log);
        if (!exited) {
            fail("worker did not stop within 10 s of SIGTERM:\n" + Processes.tail(log, 40));
        }
        List<String> bad = text.lines().filter(l -> l.contains(" ERROR ") || l.contains("LEAK:")).toList();
        assertEquals(List.of(), bad, "errors or leak reports in the worker log");
    }
}
