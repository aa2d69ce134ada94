package io.sluice.common.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;

/**
 * The answer to one {@link Request}: {@code {"id":7,"accepted":true,"data":{...}}} or
 * {@code {"id":7,"accepted":false,"error":"NotFound","reason":"..."}}.
 *
 * @param id the id of the request answered
 * @param accepted whether the request succeeded
 * @param data the result of an accepted request, or {@code null}; always {@code null} when refused
 * @param error the {@link ErrorCode#wireName()} of a refused request; {@code null} when accepted
 *     (kept as text so that a code from a newer build can still be read)
 * @param reason the human-readable explanation of a refused request (may be empty); {@code null}
 *     when accepted
 */
public record Response(long id, boolean accepted, JsonNode data, String error, String reason) implements Envelope {

    static final String ACCEPTED = "accepted";

    public Response {
        if (id < 0) {
            throw new IllegalArgumentException("response id must not be negative: " + id);
        }
        data = JsonFields.normalize(data);
        if (accepted) {
            if (error != null || reason != null) {
                throw new IllegalArgumentException("an accepted response carries no error or reason");
            }
        } else {
            Objects.requireNonNull(error, "error");
            if (error.isEmpty()) {
                throw new IllegalArgumentException("a refused response needs an error code");
            }
            if (data != null) {
                throw new IllegalArgumentException("a refused response carries no data");
            }
            reason = reason == null ? "" : reason;
        }
    }

    /** An accepted response; {@code data} may be {@code null}. */
    public static Response ok(long id, JsonNode data) {
        return new Response(id, true, data, null, null);
    }

    /** A refused response. */
    public static Response error(long id, ErrorCode error, String reason) {
        return new Response(id, false, null, error.wireName(), reason);
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", id);
        node.put(ACCEPTED, accepted);
        if (accepted) {
            if (data != null) {
                node.set("data", data);
            }
        } else {
            node.put("error", error);
            node.put("reason", reason);
        }
        return node;
    }

    /** Reads the response shape; see {@link Envelope#fromJson}. Fields of the other outcome are ignored. */
    static Response fromJson(JsonNode node) {
        long id = JsonFields.id(node);
        JsonNode accepted = node.get(ACCEPTED);
        if (!accepted.isBoolean()) {
            throw new MalformedEnvelopeException("field 'accepted' must be a boolean, got a "
                    + accepted.getNodeType().name().toLowerCase(), null);
        }
        if (accepted.booleanValue()) {
            return ok(id, JsonFields.data(node));
        }
        return new Response(id, false, null, JsonFields.requiredText(node, "error", null),
                JsonFields.optionalText(node, "reason", null));
    }
}
