package io.sluice.master.process;

import io.sluice.common.channel.ChannelPeer;
import io.sluice.common.protocol.WorkerLoad;

/**
 * One worker process as the master tracks it. Mutated on the master loop only; the volatile
 * fields are read by status queries from other threads.
 */
public final class WorkerHandle {

    /** Where a worker is in its life, in order. */
    public enum State { SPAWNED, IDENTIFIED, RUNNING, DRAINING, STOPPING, EXITED }

    final int id;
    final int generation;
    final Process process;
    final long spawnedNanos = System.nanoTime();
    volatile State state = State.SPAWNED;
    volatile ChannelPeer peer;
    volatile int port;
    volatile String relayEndpoint;
    volatile WorkerLoad load;
    long runningNanos;
    long pingSentNanos;
    boolean pingInFlight;
    long drainDeadlineNanos;
    /** Round trips of the last heartbeats (master → worker → master), nanoseconds, newest last. */
    private final long[] rtts = new long[128];
    private int rttCount;

    synchronized void recordRtt(long nanos) {
        rtts[rttCount % rtts.length] = nanos;
        rttCount++;
    }

    /** Percentile (0..100) of the recent heartbeat round trips in microseconds; -1 before the first. */
    public synchronized long rttMicros(double percentile) {
        int n = Math.min(rttCount, rtts.length);
        if (n == 0) {
            return -1;
        }
        long[] sorted = java.util.Arrays.copyOf(rtts, n);
        java.util.Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * n) - 1;
        return sorted[Math.max(0, Math.min(n - 1, index))] / 1000;
    }

    /** Milliseconds since the worker reported running; 0 before. */
    public long runningMillis() {
        return runningNanos == 0 ? 0 : (System.nanoTime() - runningNanos) / 1_000_000;
    }

    WorkerHandle(int id, int generation, Process process) {
        this.id = id;
        this.generation = generation;
        this.process = process;
    }

    public int id() {
        return id;
    }

    public int generation() {
        return generation;
    }

    public long pid() {
        return process.pid();
    }

    public State state() {
        return state;
    }

    public WorkerLoad load() {
        return load;
    }

    /** The Unix socket other workers relay this worker's streams from (null before it runs). */
    public String relayEndpoint() {
        return relayEndpoint;
    }

    public ChannelPeer peer() {
        return peer;
    }

    public boolean alive() {
        return process.isAlive();
    }

    @Override
    public String toString() {
        return "worker " + id + " (pid " + process.pid() + ", generation " + generation + ")";
    }
}
