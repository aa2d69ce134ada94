package io.sluice.common.config;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A list of scalars of one type (access rules, secrets), each checked with its own position. */
final class ScalarListType<V> implements ValueType<List<V>> {

    static final int MAX_ITEMS = 64;

    private final ScalarType<V> item;
    private final String what;

    ScalarListType(ScalarType<V> item, String what) {
        this.item = item;
        this.what = what;
    }

    @Override
    public String expected() {
        return "a list of " + what + " (each " + item.expected() + ")";
    }

    @Override
    public List<V> read(ConfigNode node, String key, String source) throws ConfigException {
        if (!(node instanceof ConfigNode.Sequence sequence)) {
            throw ConfigException.at(source, node.mark(), key, "expected " + expected() + ", got " + node.describe());
        }
        if (sequence.items().size() > MAX_ITEMS) {
            throw ConfigException.at(source, node.mark(), key,
                    "at most " + MAX_ITEMS + " items are allowed, got " + sequence.items().size());
        }
        List<V> out = new ArrayList<>();
        for (int i = 0; i < sequence.items().size(); i++) {
            out.add(item.read(sequence.items().get(i), key + "[" + i + "]", source));
        }
        return List.copyOf(out);
    }

    @Override
    public void write(List<V> value, JsonGenerator out) throws IOException {
        out.writeStartArray();
        for (V v : value) {
            item.write(v, out);
        }
        out.writeEndArray();
    }

    @Override
    public String format(List<V> value) {
        List<String> texts = new ArrayList<>();
        value.forEach(v -> texts.add(item.format(v)));
        return "[" + String.join(", ", texts) + "]";
    }
}
