package io.sluice.common.protocol.control;

/** {@code client.kick} response data: the worker that had the client. */
public record KickResult(int worker, String id) {
}
