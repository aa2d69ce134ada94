package io.sluice.common.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child processes of an integration test: started with their output in a file, and all
 * destroyed (with their descendants) by {@link #close()}, so no test leaves a process behind.
 */
public final class Processes implements AutoCloseable {

    private final List<Process> started = new ArrayList<>();

    /** Starts {@code command} with stdout and stderr appended to {@code log}. */
    public Process start(Path log, List<String> command) throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** Starts a prepared process builder; stdout and stderr go where the builder says. */
    public Process start(Path log, ProcessBuilder builder) throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process p = builder.start();
        started.add(p);
        return p;
    }

    /** Runs {@code command} to completion within {@code timeout}; returns its exit code. */
    public int run(Path log, Duration timeout, List<String> command) throws IOException, InterruptedException {
        Process p = start(log, command);
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            destroy(p);
            throw new AssertionError("timed out after " + timeout + ": " + String.join(" ", command)
                    + "\n" + tail(log, 30));
        }
        return p.exitValue();
    }

    /** The last {@code lines} lines of a log file, for failure messages. */
    public static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public static void destroy(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM to every process started here, then SIGKILL to whatever (or whichever child) is left. */
    @Override
    public void close() {
        // Children are listed before their parents go: an orphan is no longer a descendant.
        List<ProcessHandle> family = new ArrayList<>();
        for (Process p : started) {
            p.descendants().forEach(family::add);
            family.add(p.toHandle());
        }
        family.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (ProcessHandle h : family) {
            try {
                long left = Math.max(1, deadline - System.nanoTime());
                h.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception timedOut) {
                h.destroyForcibly();
            }
        }
        started.clear();
    }
}
