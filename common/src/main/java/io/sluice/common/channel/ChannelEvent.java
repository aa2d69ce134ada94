package io.sluice.common.channel;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The notifications either end of the channel can send; {@code entity.event} on the wire. */
public enum ChannelEvent {
    /** Worker &rarr; master: the RTMP port is bound; sent only after binding. */
    WORKER_RUNNING("worker.running"),
    /** A stream started publishing (worker &rarr; master, master &rarr; waiting workers). */
    STREAM_PUBLISHED("stream.published"),
    /** A stream stopped publishing, or its worker died. */
    STREAM_UNPUBLISHED("stream.unpublished"),
    /** A worker-to-worker relay for a stream opened. */
    STREAM_RELAY_OPENED("stream.relayOpened"),
    /** A worker-to-worker relay for a stream closed. */
    STREAM_RELAY_CLOSED("stream.relayClosed");

    private static final Map<String, ChannelEvent> BY_WIRE_NAME = new HashMap<>();

    static {
        for (ChannelEvent event : values()) {
            BY_WIRE_NAME.put(event.wireName, event);
        }
    }

    private final String wireName;

    ChannelEvent(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in the {@code event} field. */
    public String wireName() {
        return wireName;
    }

    /** The event with this wire name; empty for a name this build does not know. */
    public static Optional<ChannelEvent> fromWire(String wireName) {
        return Optional.ofNullable(wireName == null ? null : BY_WIRE_NAME.get(wireName));
    }
}
