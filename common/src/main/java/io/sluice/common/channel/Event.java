package io.sluice.common.channel;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

import java.util.Objects;

/**
 * One notification of a channel {@link Protocol}: its {@code entity.event} wire name and the type
 * of its data ({@link Void} for none).
 *
 * @param <T> the notification data
 */
public final class Event<T> {

    private final String wireName;
    private final JavaType dataType;

    private Event(String wireName, JavaType dataType) {
        if (!Objects.requireNonNull(wireName, "wireName").matches("[a-z]+\\.[A-Za-z]+")) {
            throw new IllegalArgumentException("an event name is entity.event, got '" + wireName + "'");
        }
        this.wireName = wireName;
        this.dataType = dataType;
    }

    public static <T> Event<T> of(String wireName, Class<T> data) {
        return new Event<>(wireName, ChannelJson.type(data));
    }

    /** The name in the {@code event} field. */
    public String wireName() {
        return wireName;
    }

    /** The data of a received notification; {@link IllegalArgumentException} when it does not fit. */
    T read(JsonNode data) {
        if (dataType.hasRawClass(Void.class)) {
            return null;
        }
        if (dataType.hasRawClass(JsonNode.class)) {
            @SuppressWarnings("unchecked")
            T node = (T) (data == null ? NullNode.getInstance() : data);
            return node;
        }
        return data == null ? null : ChannelJson.convert(data, dataType);
    }

    @Override
    public String toString() {
        return wireName;
    }
}
