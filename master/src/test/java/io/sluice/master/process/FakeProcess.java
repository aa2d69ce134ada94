package io.sluice.master.process;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A worker process for unit tests: records the signals it gets and exits when the test says, or
 * on SIGTERM unless it ignores it, or on SIGKILL. Its exit completes {@link #onExit()} on the
 * calling thread.
 */
final class FakeProcess extends Process {

    private static final AtomicLong PIDS = new AtomicLong(4_000_000);

    private final long pid = PIDS.incrementAndGet();
    private final CompletableFuture<Process> exit = new CompletableFuture<>();
    private final List<String> signals = new ArrayList<>();
    private volatile int code = -1;
    private final boolean ignoresTerm;

    FakeProcess(boolean ignoresTerm) {
        this.ignoresTerm = ignoresTerm;
    }

    FakeProcess() {
        this(false);
    }

    /** Exits with {@code exitCode}, once. */
    void exit(int exitCode) {
        if (!exit.isDone()) {
            code = exitCode;
            exit.complete(this);
        }
    }

    /** "TERM" and "KILL", in the order received. */
    synchronized List<String> signals() {
        return List.copyOf(signals);
    }

    @Override
    public synchronized void destroy() {
        signals.add("TERM");
        if (!ignoresTerm) {
            exit(143);
        }
    }

    @Override
    public synchronized Process destroyForcibly() {
        signals.add("KILL");
        exit(137);
        return this;
    }

    @Override
    public boolean isAlive() {
        return !exit.isDone();
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return exit;
    }

    @Override
    public int waitFor() {
        exit.join();
        return code;
    }

    @Override
    public int exitValue() {
        if (!exit.isDone()) {
            throw new IllegalThreadStateException("still running");
        }
        return code;
    }

    @Override
    public OutputStream getOutputStream() {
        return OutputStream.nullOutputStream();
    }

    @Override
    public InputStream getInputStream() {
        return InputStream.nullInputStream();
    }

    @Override
    public InputStream getErrorStream() {
        return InputStream.nullInputStream();
    }
}
