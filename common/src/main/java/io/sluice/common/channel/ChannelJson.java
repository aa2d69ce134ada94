package io.sluice.common.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one Jackson {@link ObjectMapper} of the channel, shared by every connection (an
 * {@code ObjectMapper} is thread-safe once configured, and this one is never reconfigured: it is
 * not handed out). Payloads are records, POJOs or {@link JsonNode}s; this class turns them into
 * trees for the envelopes and back.
 */
public final class ChannelJson {

    /** Trailing tokens after the envelope object mean the frame is not one JSON value: refuse it. */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ChannelJson() {
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * The JSON tree of a payload: {@code null} stays {@code null}, a {@link JsonNode} is used as
     * is, anything else is serialized with the shared mapper.
     *
     * @throws IllegalArgumentException if the value cannot be serialized
     */
    public static JsonNode toTree(Object value) {
        if (value == null || value instanceof JsonNode) {
            return (JsonNode) value;
        }
        return MAPPER.valueToTree(value);
    }

    /**
     * Binds a payload tree to a type, e.g. a response's data to a record.
     *
     * @throws IllegalArgumentException if the tree does not fit the type
     */
    public static <T> T convert(JsonNode node, Class<T> type) {
        return convert(node, MAPPER.constructType(type));
    }

    /**
     * Binds a payload tree to a (possibly generic) type.
     *
     * @throws IllegalArgumentException if the tree does not fit the type
     */
    static <T> T convert(JsonNode node, JavaType type) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot read " + type.getRawClass().getSimpleName()
                    + " from channel data: " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            // A record's compact constructor refused the values (Jackson passes that through).
            throw new IllegalArgumentException("cannot read " + type.getRawClass().getSimpleName()
                    + " from channel data: " + e.getMessage(), e);
        }
    }

    static JavaType type(Class<?> type) {
        return MAPPER.constructType(type);
    }

    static JavaType type(TypeReference<?> type) {
        return MAPPER.constructType(type);
    }

    /**
     * Parses JSON text, for tools and tests.
     *
     * @throws IllegalArgumentException if the text is not one JSON value
     */
    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Compact JSON text of a tree, for tools and tests. */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }
}
