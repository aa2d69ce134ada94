package io.sluice.common.protocol.control;

/** {@code master.ping}: one worker's channel round trips, in microseconds. */
public record WorkerLatency(int id, int generation, long pid, int count, double p50Micros, double p99Micros,
                            double maxMicros) {
}
