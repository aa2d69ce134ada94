package io.sluice.common.protocol.control;

import java.util.List;

/**
 * {@code stream.where} response data: the host and worker that publish a stream, this host's
 * workers that relay it and the other hosts that relay it.
 *
 * @param owner      the worker with the publisher, on host {@code node}
 * @param ownerPid   its process id; 0 when it is on another host
 * @param relayedBy  this host's workers that relay it
 * @param node       the host that publishes it ({@code cluster.node}); null for a single host
 * @param relayNodes the other hosts that relay it from {@code node} (as Redis has them, at most a
 *                   lease TTL old); empty for a single host
 */
public record StreamWhere(String app, String name, int owner, long ownerPid, List<Integer> relayedBy,
                          long publishedAtMillis, String node, List<String> relayNodes) {

    public StreamWhere {
        relayedBy = relayedBy == null ? List.of() : List.copyOf(relayedBy);
        relayNodes = relayNodes == null ? List.of() : List.copyOf(relayNodes);
    }

    /** A stream of this host alone (no cluster). */
    public StreamWhere(String app, String name, int owner, long ownerPid, List<Integer> relayedBy,
                       long publishedAtMillis) {
        this(app, name, owner, ownerPid, relayedBy, publishedAtMillis, null, List.of());
    }

    /** The same stream as published on {@code node} and relayed by {@code relayNodes}. */
    public StreamWhere onNode(String node, List<String> relayNodes) {
        return new StreamWhere(app, name, owner, ownerPid, relayedBy, publishedAtMillis, node, relayNodes);
    }

    /** Whether it is published on this host ({@code self}: this host's node, null for a single host). */
    public boolean publishedHere(String self) {
        return node == null || node.equals(self);
    }
}
