package io.sluice.master.process;

import io.sluice.common.channel.ChannelPeer;
import io.sluice.common.protocol.Heartbeat;
import io.sluice.common.protocol.WorkerLoad;

import java.util.Arrays;

/**
 * One worker process as the master tracks it. Mutated on the master loop only; the volatile
 * fields are read by status queries from other threads.
 */
public final class WorkerHandle {

    /** Where a worker is in its life, in order. */
    public enum State { SPAWNED, IDENTIFIED, RUNNING, DRAINING, STOPPING, EXITED }

    final WorkerSlot slot;
    final Process process;
    final long spawnedNanos;
    volatile State state = State.SPAWNED;
    volatile ChannelPeer peer;
    volatile String relayEndpoint;
    volatile WorkerLoad load;
    volatile long runningNanos;
    /** When the heartbeat's unanswered ping went out; meaningful while {@link #pingInFlight}. */
    long pingSentNanos;
    boolean pingInFlight;
    /** The connection share the unanswered ping carries; meaningful while {@link #pingInFlight}. */
    int shareSent = Heartbeat.NO_LIMIT;
    /**
     * The connection share the worker took with its last heartbeat answer (it applies the share,
     * then counts its load for the answer); {@link Heartbeat#NO_LIMIT} before the first.
     */
    int shareApplied = Heartbeat.NO_LIMIT;
    /** Round trips of the last heartbeats (master → worker → master), nanoseconds, newest last. */
    private final long[] rtts = new long[128];
    private int rttCount;

    WorkerHandle(WorkerSlot slot, Process process, long spawnedNanos) {
        this.slot = slot;
        this.process = process;
        this.spawnedNanos = spawnedNanos;
    }

    /** Why the master killed it (heartbeat, start_timeout), for the respawn counter; null when it did not. */
    volatile String killedFor;

    synchronized void recordRtt(long nanos) {
        MasterCounters.heartbeatRtt(nanos);
        rtts[rttCount % rtts.length] = nanos;
        rttCount++;
    }

    /** Percentile (0..100) of the recent heartbeat round trips in microseconds; -1 before the first. */
    public synchronized long rttMicros(double percentile) {
        int n = Math.min(rttCount, rtts.length);
        if (n == 0) {
            return -1;
        }
        long[] sorted = Arrays.copyOf(rtts, n);
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * n) - 1;
        return sorted[Math.max(0, Math.min(n - 1, index))] / 1000;
    }

    /** Milliseconds since the worker reported running, as of {@code nowNanos}; 0 before. */
    public long runningMillis(long nowNanos) {
        long since = runningNanos;
        return since == 0 ? 0 : (nowNanos - since) / 1_000_000;
    }

    public int id() {
        return slot.id;
    }

    public int generation() {
        return slot.generation;
    }

    public long pid() {
        return process.pid();
    }

    public State state() {
        return state;
    }

    /** The load figures of the last heartbeat answer; null before the first. */
    public WorkerLoad load() {
        return load;
    }

    /** Client connections the limits count (admitted, open) as of the last heartbeat; 0 before the first. */
    int admitted() {
        WorkerLoad l = load;
        return l == null ? 0 : l.admitted();
    }

    /** The Unix socket other workers relay this worker's streams from (null before it runs). */
    public String relayEndpoint() {
        return relayEndpoint;
    }

    /** The channel to this worker; null before it identified and after the channel closed. */
    public ChannelPeer peer() {
        return peer;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Whether it serves clients: running, or draining the sessions it has. */
    boolean serving() {
        State s = state;
        return s == State.RUNNING || s == State.DRAINING;
    }

    @Override
    public String toString() {
        return "worker " + slot.id + " (pid " + process.pid() + ", generation " + slot.generation + ")";
    }
}
