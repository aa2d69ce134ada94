package io.sluice.master.process;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The master's own event counters for {@code /metrics}: worker respawns by cause, reloads by
 * result, and the heartbeat round trips as a histogram. Plain adders bumped where the event is
 * handled (and logged); the metrics page reads them. One set per master process, hence static.
 */
public final class MasterCounters {

    /** Upper bounds of the heartbeat round-trip buckets, seconds: 100 µs to 2.5 s, then +Inf. */
    public static final double[] RTT_BOUNDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
            0.25, 0.5, 1, 2.5, Double.POSITIVE_INFINITY};

    private static final Map<String, LongAdder> RESPAWNS = new ConcurrentHashMap<>();
    private static final Map<String, LongAdder> RELOADS = new ConcurrentHashMap<>();
    private static final AtomicLongArray RTT_BUCKETS = new AtomicLongArray(RTT_BOUNDS.length);
    private static final DoubleAdder RTT_SUM = new DoubleAdder();

    private MasterCounters() {
    }

    /** A worker slot is respawned; {@code cause}: exit (crashed or exited unasked), heartbeat, start_timeout, spawn_failed. */
    static void respawn(String cause) {
        RESPAWNS.computeIfAbsent(cause, c -> new LongAdder()).increment();
    }

    /** A reload ended: {@code result} is how it applied (none, in_place, new_generation) or why it was refused. */
    public static void reload(String result) {
        RELOADS.computeIfAbsent(result, r -> new LongAdder()).increment();
    }

    static void heartbeatRtt(long nanos) {
        double seconds = nanos / 1e9;
        int i = 0;
        while (seconds > RTT_BOUNDS[i]) {
            i++;
        }
        RTT_BUCKETS.incrementAndGet(i);
        RTT_SUM.add(seconds);
    }

    public static Map<String, Long> respawns() {
        return sums(RESPAWNS);
    }

    public static Map<String, Long> reloads() {
        return sums(RELOADS);
    }

    /** Count per bucket (not cumulative), in {@link #RTT_BOUNDS} order. */
    public static long[] rttBuckets() {
        long[] out = new long[RTT_BOUNDS.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = RTT_BUCKETS.get(i);
        }
        return out;
    }

    public static double rttSum() {
        return RTT_SUM.sum();
    }

    private static Map<String, Long> sums(Map<String, LongAdder> adders) {
        Map<String, Long> out = new TreeMap<>();
        adders.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
