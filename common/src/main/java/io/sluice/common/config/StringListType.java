package io.sluice.common.config;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of JVM options for the worker processes. Each one must start with '-': the options go
 * before the main class on the java command line, and a word without a dash there would be
 * taken as the class to run.
 */
final class StringListType implements ValueType<List<String>> {

    static final int MAX_ITEMS = 64;
    static final int MAX_LENGTH = 4096;

    @Override
    public String expected() {
        return "a list of JVM options (each starting with '-'), e.g. [\"-Xmx256m\"]";
    }

    @Override
    public List<String> read(ConfigNode node, String key, String source) throws ConfigException {
        if (!(node instanceof ConfigNode.Sequence sequence)) {
            throw ConfigException.at(source, node.mark(), key, "expected " + expected() + ", got " + node.describe());
        }
        if (sequence.items().size() > MAX_ITEMS) {
            throw ConfigException.at(source, node.mark(), key,
                    "at most " + MAX_ITEMS + " options are allowed, got " + sequence.items().size());
        }
        List<String> options = new ArrayList<>();
        for (int i = 0; i < sequence.items().size(); i++) {
            ConfigNode item = sequence.items().get(i);
            String text = item instanceof ConfigNode.Scalar s ? s.text() : null;
            if (text == null || !text.startsWith("-") || text.length() > MAX_LENGTH) {
                throw ConfigException.at(source, item.mark(), key + "[" + i + "]",
                        "expected a JVM option starting with '-' (at most " + MAX_LENGTH + " characters), got "
                                + item.describe());
            }
            options.add(text);
        }
        return List.copyOf(options);
    }

    @Override
    public void write(List<String> value, JsonGenerator out) throws IOException {
        out.writeStartArray();
        for (String option : value) {
            out.writeString(option);
        }
        out.writeEndArray();
    }

    @Override
    public String format(List<String> value) {
        return value.toString();
    }
}
