package io.sluice.common.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;

/**
 * A request: {@code {"id":7,"method":"stream.locate","handlerId":"...","data":{...}}}.
 *
 * @param id the sender's id for this request, echoed by the {@link Response}; per sender,
 *     increasing from 1
 * @param method the wire name, normally a {@link Method#wireName()}; kept as a string so
 *     that a method this side does not know can still be answered with {@code UnknownMethod}
 * @param handlerId the entity the method acts on (a stream, a client), or {@code null}
 * @param data the arguments, or {@code null}
 */
public record Request(long id, String method, String handlerId, JsonNode data) implements Envelope {

    static final String METHOD = "method";

    public Request {
        if (id < 0) {
            throw new IllegalArgumentException("request id must not be negative: " + id);
        }
        Objects.requireNonNull(method, "method");
        if (method.isEmpty()) {
            throw new IllegalArgumentException("request method must not be empty");
        }
        data = JsonFields.normalize(data);
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", id);
        node.put(METHOD, method);
        if (handlerId != null) {
            node.put("handlerId", handlerId);
        }
        if (data != null) {
            node.set("data", data);
        }
        return node;
    }

    /** Reads the request shape; see {@link Envelope#fromJson}. */
    static Request fromJson(JsonNode node) {
        long id = JsonFields.id(node);
        String method = JsonFields.requiredText(node, METHOD, id);
        String handlerId = JsonFields.optionalText(node, "handlerId", id);
        return new Request(id, method, handlerId, JsonFields.data(node));
    }
}
