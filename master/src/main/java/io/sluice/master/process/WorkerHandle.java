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
