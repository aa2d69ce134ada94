package io.sluice.common.channel;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

import java.util.Objects;

/**
 * One method of a channel {@link Protocol}: its {@code entity.verb} wire name and the types of
 * its request and response data. {@link Void} means "no data". Requests are sent and handled
 * with these types; turning the JSON into them (and a payload that does not fit into
 * {@link ErrorCode#BAD_REQUEST}) happens in one place, the {@link ChannelPeer}.
 *
 * @param <Q> the request data
 * @param <R> the response data
 */
public final class Method<Q, R> {

    private final String wireName;
    private final JavaType requestType;
    private final JavaType responseType;

    private Method(String wireName, JavaType requestType, JavaType responseType) {
        if (!Objects.requireNonNull(wireName, "wireName").matches("[a-z]+\\.[A-Za-z]+")) {
            throw new IllegalArgumentException("a method name is entity.verb, got '" + wireName + "'");
        }
        this.wireName = wireName;
        this.requestType = requestType;
        this.responseType = responseType;
    }

    public static <Q, R> Method<Q, R> of(String wireName, Class<Q> request, Class<R> response) {
        return new Method<>(wireName, ChannelJson.type(request), ChannelJson.type(response));
    }

    /** For a response of a generic type, e.g. {@code new TypeReference<List<StreamView>>() {}}. */
    public static <Q, R> Method<Q, R> of(String wireName, Class<Q> request, TypeReference<R> response) {
        return new Method<>(wireName, ChannelJson.type(request), ChannelJson.type(response));
    }

    /** The name in the {@code method} field. */
    public String wireName() {
        return wireName;
    }

    /** The request data of a received request; {@link IllegalArgumentException} when it does not fit. */
    Q readRequest(JsonNode data) {
        return read(data, requestType);
    }

    /** The data of a received response; {@link IllegalArgumentException} when it does not fit. */
    R readResponse(JsonNode data) {
        return read(data, responseType);
    }

    private static <T> T read(JsonNode data, JavaType type) {
        if (type.hasRawClass(Void.class)) {
            return null; // a method without data ignores what a sender put there
        }
        if (type.hasRawClass(JsonNode.class)) {
            @SuppressWarnings("unchecked")
            T node = (T) (data == null ? NullNode.getInstance() : data);
            return node;
        }
        return data == null ? null : ChannelJson.convert(data, type);
    }

    @Override
    public String toString() {
        return wireName;
    }
}
