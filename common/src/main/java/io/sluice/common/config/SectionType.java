package io.sluice.common.config;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A mapping of known keys read into a section record. Keys left out take the section's default;
 * an unknown key is an error listing the known ones; rules that tie two keys together are checked
 * after all keys are read and blame a key the file actually sets.
 */
final class SectionType<S> implements ValueType<S> {

    /** The values read so far, by key, with the position of each key that the file sets. */
    static final class Values<S> {
        private final Map<String, Object> values = new HashMap<>();
        private final Map<String, ConfigNode.Mark> marks = new HashMap<>();

        @SuppressWarnings("unchecked")
        <V> V get(Key<S, V> key) {
            return (V) values.get(key.name());
        }
    }

    /**
     * A rule over several keys. {@code violation} returns null when the values are fine, else the
     * message; the error is reported at the first key in {@code blame} that the file sets.
     */
    record CrossCheck<S>(List<Key<S, ?>> blame, Function<Values<S>, String> violation) {
    }

    private final S defaults;
    private final Map<String, Key<S, ?>> keys = new LinkedHashMap<>();
    private final Function<Values<S>, S> build;
    private final List<CrossCheck<S>> checks;

    SectionType(S defaults, List<Key<S, ?>> keys, Function<Values<S>, S> build, List<CrossCheck<S>> checks) {
        this.defaults = defaults;
        keys.forEach(k -> this.keys.put(k.name(), k));
        this.build = build;
        this.checks = List.copyOf(checks);
    }

    List<Key<S, ?>> keys() {
        return List.copyOf(keys.values());
    }

    S defaults() {
        return defaults;
    }

    @Override
    public String expected() {
        return "a mapping with keys " + String.join(", ", keys.keySet());
    }

    @Override
    public S read(ConfigNode node, String key, String source) throws ConfigException {
        if (node instanceof ConfigNode.Scalar scalar && scalar.isNull()) {
            return defaults; // "rtmp:" with every key commented out, or an empty file
        }
        if (!(node instanceof ConfigNode.Mapping mapping)) {
            throw ConfigException.at(source, node.mark(), key,
                    "expected a mapping of settings, got " + node.describe());
        }
        Values<S> values = new Values<>();
        for (ConfigNode.Entry entry : mapping.entries()) {
            String path = child(key, entry.key());
            Key<S, ?> k = keys.get(entry.key());
            if (k == null) {
                throw ConfigException.at(source, entry.keyMark(), path, "unknown key (known "
                        + (key.isEmpty() ? "top-level keys" : "keys under " + key) + ": "
                        + String.join(", ", keys.keySet()) + ")");
            }
            values.values.put(k.name(), readValue(k, entry.value(), path, source));
            values.marks.put(k.name(), entry.keyMark());
        }
        for (Key<S, ?> k : keys.values()) {
            values.values.computeIfAbsent(k.name(), name -> k.getter().apply(defaults));
        }
        for (CrossCheck<S> check : checks) {
            String violation = check.violation().apply(values);
            if (violation != null) {
                Key<S, ?> blamed = check.blame().stream().filter(b -> values.marks.containsKey(b.name()))
                        .findFirst().orElse(check.blame().get(0));
                ConfigNode.Mark at = values.marks.getOrDefault(blamed.name(), node.mark());
                throw ConfigException.at(source, at, child(key, blamed.name()), violation);
            }
        }
        return build.apply(values);
    }

    private <V> V readValue(Key<S, V> k, ConfigNode value, String path, String source) throws ConfigException {
        if (value instanceof ConfigNode.Scalar scalar && scalar.isNull() && !(k.type() instanceof SectionType)) {
            throw ConfigException.at(source, value.mark(), path, "expected " + k.type().expected()
                    + ", got nothing (leave the key out to use the default, "
                    + k.type().format(k.getter().apply(defaults)) + ")");
        }
        return k.type().read(value, path, source);
    }

    @Override
    public void write(S value, JsonGenerator out) throws IOException {
        out.writeStartObject();
        for (Key<S, ?> k : keys.values()) {
            out.writeFieldName(k.name());
            writeValue(k, value, out);
        }
        out.writeEndObject();
    }

    private static <S, V> void writeValue(Key<S, V> k, S section, JsonGenerator out) throws IOException {
        k.type().write(k.getter().apply(section), out);
    }

    /** The section as one line of JSON; diffs compare the keys inside instead. */
    @Override
    public String format(S value) {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = ConfigJson.JSON.createGenerator(text)) {
            write(value, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    static String child(String parent, String name) {
        return parent.isEmpty() ? name : parent + "." + name;
    }
}
