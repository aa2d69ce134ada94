package io.sluice.common.channel;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The methods and events one kind of channel speaks (the worker channel, the control socket).
 * A {@link ChannelPeer} speaks exactly one: a request for a method of another protocol is
 * {@link ErrorCode#UNKNOWN_METHOD}, as is a name this build does not know.
 */
public final class Protocol {

    private final String name;
    private final Map<String, Method<?, ?>> methods = new LinkedHashMap<>();
    private final Map<String, Event<?>> events = new LinkedHashMap<>();

    private Protocol(String name, Collection<Method<?, ?>> methods, Collection<Event<?>> events) {
        this.name = Objects.requireNonNull(name, "name");
        for (Method<?, ?> m : methods) {
            if (this.methods.putIfAbsent(m.wireName(), m) != null) {
                throw new IllegalArgumentException(name + ": method " + m.wireName() + " is listed twice");
            }
        }
        for (Event<?> e : events) {
            if (this.events.putIfAbsent(e.wireName(), e) != null) {
                throw new IllegalArgumentException(name + ": event " + e.wireName() + " is listed twice");
            }
        }
    }

    public static Protocol of(String name, List<Method<?, ?>> methods, List<Event<?>> events) {
        return new Protocol(name, methods, events);
    }

    public String name() {
        return name;
    }

    /** The method with this wire name; empty for a name this protocol does not have. */
    public Optional<Method<?, ?>> method(String wireName) {
        return Optional.ofNullable(wireName == null ? null : methods.get(wireName));
    }

    /** The event with this wire name; empty for a name this protocol does not have. */
    public Optional<Event<?>> event(String wireName) {
        return Optional.ofNullable(wireName == null ? null : events.get(wireName));
    }

    public Collection<Method<?, ?>> methods() {
        return List.copyOf(methods.values());
    }

    public Collection<Event<?>> events() {
        return List.copyOf(events.values());
    }

    boolean has(Method<?, ?> method) {
        return methods.get(method.wireName()) == method;
    }

    boolean has(Event<?> event) {
        return events.get(event.wireName()) == event;
    }

    @Override
    public String toString() {
        return name;
    }
}
