package io.sluice.common.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;

/**
 * A one-way message, never answered: {@code {"event":"stream.published","targetId":"...","data":{...}}}.
 *
 * @param event the wire name, normally a {@link Event#wireName()}; kept as a string so
 *     that an event this side does not know can be dropped without failing the frame
 * @param targetId the entity the event is about, or {@code null}
 * @param data the event payload, or {@code null}
 */
public record Notification(String event, String targetId, JsonNode data) implements Envelope {

    static final String EVENT = "event";

    public Notification {
        Objects.requireNonNull(event, "event");
        if (event.isEmpty()) {
            throw new IllegalArgumentException("notification event must not be empty");
        }
        data = JsonFields.normalize(data);
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put(EVENT, event);
        if (targetId != null) {
            node.put("targetId", targetId);
        }
        if (data != null) {
            node.set("data", data);
        }
        return node;
    }

    /** Reads the notification shape; see {@link Envelope#fromJson}. */
    static Notification fromJson(JsonNode node) {
        String event = JsonFields.requiredText(node, EVENT, null);
        return new Notification(event, JsonFields.optionalText(node, "targetId", null), JsonFields.data(node));
    }
}
