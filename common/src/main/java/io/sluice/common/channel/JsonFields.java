package io.sluice.common.channel;

import com.fasterxml.jackson.databind.JsonNode;

/** Field access for envelope parsing: absent and JSON {@code null} are the same thing. */
final class JsonFields {

    private JsonFields() {
    }

    /** The non-negative integral {@code id}; without one, nothing can be answered. */
    static long id(JsonNode node) {
        JsonNode id = node.get("id");
        if (id == null || id.isNull()) {
            throw new MalformedEnvelopeException("field 'id' is missing", null);
        }
        if (!id.isIntegralNumber() || !id.canConvertToLong() || id.longValue() < 0) {
            throw new MalformedEnvelopeException("field 'id' must be a non-negative integer that fits "
                    + "in 64 bits, got a " + id.getNodeType().name().toLowerCase(), null);
        }
        return id.longValue();
    }

    /** A string field, or {@code null} when absent or JSON null. */
    static String optionalText(JsonNode node, String field, Long requestId) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new MalformedEnvelopeException("field '" + field + "' must be a string, got a "
                    + value.getNodeType().name().toLowerCase(), requestId);
        }
        return value.textValue();
    }

    /** A string field that must be present and not empty. */
    static String requiredText(JsonNode node, String field, Long requestId) {
        String value = optionalText(node, field, requestId);
        if (value == null || value.isEmpty()) {
            throw new MalformedEnvelopeException("field '" + field + "' is missing or empty", requestId);
        }
        return value;
    }

    /** The {@code data} payload, or {@code null} when absent or JSON null. */
    static JsonNode data(JsonNode node) {
        return normalize(node.get("data"));
    }

    /** Absent, missing and JSON null payloads are all {@code null}, so records compare equal. */
    static JsonNode normalize(JsonNode data) {
        return data == null || data.isNull() || data.isMissingNode() ? null : data;
    }
}
