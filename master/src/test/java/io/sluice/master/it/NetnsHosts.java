package io.sluice.master.it;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Hosts on one machine for cluster tests: a bridge and one network namespace per host, made and
 * removed by {@code bench/scripts/netns.sh} (which bench/cluster.sh uses too). Names carry this
 * JVM's pid, so two runs never share (or remove) each other's; a shutdown hook removes them if
 * the JVM ends without {@link #close()}. Needs root: without it the test is skipped, or fails
 * under {@code CI=true}.
 */
final class NetnsHosts implements AutoCloseable {

    static final Path SCRIPT = SluiceServer.HOME.resolve("bench/scripts/netns.sh");

    private final String prefix;
    private final String net;
    private final int count;
    private final Thread cleanup;
    private boolean closed;

    private NetnsHosts(String prefix, String net, int count) {
        this.prefix = prefix;
        this.net = net;
        this.count = count;
        this.cleanup = new Thread(this::down, "netns-cleanup");
    }

    /** Makes {@code count} hosts: NET.1 .. NET.count, the bridge (this namespace) NET.254. */
    static NetnsHosts up(int count) throws IOException, InterruptedException {
        requireRoot();
        long pid = ProcessHandle.current().pid();
        String prefix = "sl" + (pid % 10_000_000);
        // 10.100.0.0 .. 10.199.249.0: one /24 per pid, unlikely to meet the machine's own networks.
        String net = "10." + (100 + pid % 100) + "." + (pid / 100 % 250);
        NetnsHosts hosts = new NetnsHosts(prefix, net, count);
        Runtime.getRuntime().addShutdownHook(hosts.cleanup);
        String out = run("up", prefix, net, Integer.toString(count));
        if (out != null) {
            hosts.close();
            Assertions.fail("netns.sh up failed: " + out);
        }
        return hosts;
    }

    /** Skips the test without root, or fails it under {@code CI=true} (.ci/run runs as root). */
    static void requireRoot() throws IOException, InterruptedException {
        Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        id.waitFor(5, TimeUnit.SECONDS);
        if ("0".equals(uid)) {
            return;
        }
        String message = "network namespaces need root (uid " + uid + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(message + "; CI=true, so this is a failure, not a skip");
        }
        Assumptions.abort(message + "; skipping (set CI=true to make this a failure)");
    }

    /** Host {@code i}'s address (1-based). */
    String ip(int i) {
        return net + "." + i;
    }

    /** The bridge's address, in the test's namespace: where Redis listens. */
    String bridgeIp() {
        return net + ".254";
    }

    /** The command prefix that runs a command on host {@code i}. */
    List<String> exec(int i) {
        return List.of("ip", "netns", "exec", prefix + "h" + i);
    }

    /** Whether the kernel has tc netem (containers and small VMs often lack sch_netem). */
    static boolean netemAvailable() throws IOException, InterruptedException {
        return run("netem") == null;
    }

    /** Packets leaving host {@code i} wait {@code millis} ms. */
    void delay(int i, int millis) throws IOException, InterruptedException {
        check(run("delay", prefix, Integer.toString(i), Integer.toString(millis)));
    }

    /** Whether the kernel has tc tbf (a token-bucket rate limit), the slow link where netem is missing. */
    static boolean tbfAvailable() throws IOException, InterruptedException {
        return run("tbf") == null;
    }

    /** What leaves host {@code i} goes at most {@code kbit} kbit/s; a burst queues (up to 400 ms). */
    void slow(int i, int kbit) throws IOException, InterruptedException {
        check(run("slow", prefix, Integer.toString(i), Integer.toString(kbit)));
    }

    /** Removes a {@link #delay} or {@link #slow}. */
    void undelay(int i) throws IOException, InterruptedException {
        check(run("undelay", prefix, Integer.toString(i)));
    }

    /** Takes host {@code i}'s link down: nothing reaches it or leaves it, no connection is reset. */
    void cut(int i) throws IOException, InterruptedException {
        check(run("cut", prefix, Integer.toString(i)));
    }

    void mend(int i) throws IOException, InterruptedException {
        check(run("mend", prefix, Integer.toString(i)));
    }

    private static void check(String failure) {
        if (failure != null) {
            Assertions.fail("netns.sh: " + failure);
        }
    }

    /** Runs netns.sh; null when it succeeded, else its exit code and output. */
    private static String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(SCRIPT.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out: " + cmd;
        }
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out.trim();
    }

    private void down() {
        try {
            run("down", prefix, Integer.toString(count));
        } catch (IOException e) {
            System.err.println("netns.sh down " + prefix + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Removes the namespaces, the veth pairs and the bridge. Stop the hosts' processes first. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        down();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs (or ran) anyway; down is idempotent.
        }
    }
}
