package io.sluice.common.protocol.control;

import java.util.List;

/**
 * {@code stream.where} response data: the worker that publishes a stream and the workers that
 * relay it.
 */
public record StreamWhere(String app, String name, int owner, long ownerPid, List<Integer> relayedBy,
                          long publishedAtMillis) {
}
