package io.sluice.common.channel;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The requests either end of the channel can make; {@code entity.verb} on the wire. */
public enum ChannelMethod {
    /** Worker &rarr; master, first request on a new connection: who the worker is. */
    WORKER_IDENTIFY("worker.identify"),
    /** Master &rarr; worker heartbeat; the answer carries load figures. */
    WORKER_PING("worker.ping"),
    /** Master &rarr; worker: a snapshot of the worker's state, for diagnostics. */
    WORKER_DUMP("worker.dump"),
    /** Master &rarr; worker: settings that change in place on reload. */
    WORKER_UPDATE_SETTINGS("worker.updateSettings"),
    /** Master &rarr; worker: stop accepting, keep serving existing sessions. */
    WORKER_DRAIN("worker.drain"),
    /** Master &rarr; worker: shut down. */
    WORKER_CLOSE("worker.close"),
    /** Worker &rarr; master: claim a stream name cluster-wide before publishing. */
    STREAM_CLAIM("stream.claim"),
    /** Worker &rarr; master: give up a claimed stream name. */
    STREAM_RELEASE("stream.release"),
    /** Worker &rarr; master: which worker publishes a stream. */
    STREAM_LOCATE("stream.locate"),
    /** Master &rarr; worker or control client: where streams are, for listing. */
    STREAM_WHERE("stream.where"),
    /** List the client sessions. */
    CLIENT_LIST("client.list"),
    /** Disconnect a client session. */
    CLIENT_KICK("client.kick"),
    /** Control client &rarr; master: the master, its configuration and workers. */
    MASTER_STATUS("master.status"),
    /** Control client &rarr; master: re-read the configuration and apply it. */
    MASTER_RELOAD("master.reload"),
    /** Control client &rarr; master: channel round trips to every worker, back to back. */
    MASTER_PING("master.ping"),
    /** Control client &rarr; master: stop the server. */
    MASTER_STOP("master.stop"),
    /** Control client &rarr; master: the live streams, merged from every worker. */
    STREAM_LIST("stream.list");

    private static final Map<String, ChannelMethod> BY_WIRE_NAME = new HashMap<>();

    static {
        for (ChannelMethod method : values()) {
            BY_WIRE_NAME.put(method.wireName, method);
        }
    }

    private final String wireName;

    ChannelMethod(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in the {@code method} field. */
    public String wireName() {
        return wireName;
    }

    /** The method with this wire name; empty for a name this build does not know. */
    public static Optional<ChannelMethod> fromWire(String wireName) {
        return Optional.ofNullable(wireName == null ? null : BY_WIRE_NAME.get(wireName));
    }
}
