package io.sluice.common.protocol.control;

/**
 * A worker whose part is missing from an aggregated answer: it did not answer within the
 * deadline, or its channel failed. Answers list these under {@code partial}, so that a missing
 * worker is never mistaken for an idle one.
 *
 * @param reason "timeout" or what failed, in a few words
 */
public record MissingWorker(int worker, int generation, String reason) {
}
