package io.sluice.master.directory.redis;

import io.sluice.worker.it.FreePorts;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of a test's own, on a free port in the test's directory, without persistence.
 * Can be stopped and started again on the same port (Redis down, Redis back). Skips the test
 * when redis-server is not installed, and fails it when {@code CI=true}.
 */
public final class RedisServer implements AutoCloseable {

    private final Path dir;
    private final String bind;
    private final int port;
    private Process process;

    private RedisServer(Path dir, String bind, int port) {
        this.dir = dir;
        this.bind = bind;
        this.port = port;
    }

    /** Starts one on 127.0.0.1. */
    public static RedisServer start(Path dir) throws IOException, InterruptedException {
        return start(dir, "127.0.0.1", FreePorts.next());
    }

    /** Starts one listening on {@code bind}:{@code port}. */
    public static RedisServer start(Path dir, String bind, int port) throws IOException, InterruptedException {
        requireInstalled();
        RedisServer r = new RedisServer(dir, bind, port);
        r.start();
        return r;
    }

    /** Skips (or, under CI=true, fails) when there is no redis-server binary. */
    public static void requireInstalled() {
        if (Files.isExecutable(Path.of("/usr/bin/redis-server"))) {
            return;
        }
        String message = "redis-server is not installed (Debian: apt-get install redis-server)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(message + "; CI=true, so this is a failure, not a skip");
        }
        Assumptions.abort(message + "; skipping (set CI=true to make this a failure)");
    }

    /** The command line, for tests that start it elsewhere (a network namespace). */
    public static List<String> command(Path dir, String bind, int port) {
        return new ArrayList<>(List.of("/usr/bin/redis-server", "--port", Integer.toString(port), "--bind", bind,
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "no",
                "--daemonize", "no", "--loglevel", "warning"));
    }

    /** (Re)starts the server on the same port, returning once it answers PING. */
    public synchronized void start() throws IOException, InterruptedException {
        Files.createDirectories(dir);
        process = new ProcessBuilder(command(dir, bind, port)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!ping(bind, port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                stop();
                throw new IOException("redis-server did not start on " + bind + ":" + port + ": "
                        + Files.readString(dir.resolve("redis.log")));
            }
            Thread.sleep(20);
        }
    }

    /** Kills the server (SIGKILL: an outage, not a shutdown) and waits for it to be gone. */
    public synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    /** Whether something answers PING with +PONG at {@code host:port}. */
    public static boolean ping(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] b = new byte[7];
            int n = in.readNBytes(b, 0, 7);
            return n == 7 && new String(b, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs one redis-cli command and returns its output (for counting and looking). */
    public String cli(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", bind, "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("redis-cli timed out");
        }
        return new String(out, StandardCharsets.UTF_8).trim();
    }

    public String url() {
        return "redis://" + bind + ":" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
