package io.sluice.common.config;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;

/**
 * How one kind of configuration value is read from the tree, checked, and written back in the
 * same text form it is read in ({@code 5s}, {@code 16MiB}, {@code auto}).
 */
sealed interface ValueType<V> permits ScalarType, StringListType, ScalarListType, SectionType, AppMapType {

    /** What a valid value looks like, for messages: {@code an integer 1..65535}. */
    String expected();

    /**
     * Reads and checks a value. Errors carry {@code source}, the node's position and {@code key}.
     * A null node is handled by the caller (a section falls back to its defaults).
     */
    V read(ConfigNode node, String key, String source) throws ConfigException;

    /** Writes the value as JSON (or YAML) in a form {@link #read} accepts. */
    void write(V value, JsonGenerator out) throws IOException;

    /** The value as it would be written in sluice.yaml; used by {@link ConfigDiff}. */
    String format(V value);
}
