package io.sluice.common.protocol;

/**
 * {@code stream.claim} response data.
 *
 * @param granted true when the claiming worker may publish the stream
 * @param owner   the worker that publishes it when not granted (0 otherwise)
 */
public record ClaimReply(boolean granted, int owner) {
}
