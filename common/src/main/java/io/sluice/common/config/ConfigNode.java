package io.sluice.common.config;

import java.util.List;

/**
 * The configuration document as a small tree that remembers where each key and value was
 * written, so that every later check can report a line and column. Built by
 * {@link ConfigTreeReader} from YAML or JSON.
 */
sealed interface ConfigNode permits ConfigNode.Mapping, ConfigNode.Sequence, ConfigNode.Scalar {

    /** 1-based position in the source text; {@code (0, 0)} when unknown. */
    record Mark(int line, int column) {
        static final Mark UNKNOWN = new Mark(0, 0);
    }

    Mark mark();

    /** What this node is, for "expected ..., got ..." messages. */
    String describe();

    /** A key and its value in a mapping; {@code keyMark} is where the key starts. */
    record Entry(String key, Mark keyMark, ConfigNode value) {
    }

    record Mapping(List<Entry> entries, Mark mark) implements ConfigNode {
        public Mapping {
            entries = List.copyOf(entries);
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    record Sequence(List<ConfigNode> items, Mark mark) implements ConfigNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /** A scalar as written (without quotes); {@code text} is null for YAML null, {@code ~} or nothing. */
    record Scalar(String text, Mark mark) implements ConfigNode {
        /** Longer values are cut in messages; the position says where the rest is. */
        static final int MAX_QUOTED = 60;

        boolean isNull() {
            return text == null;
        }

        @Override
        public String describe() {
            return text == null ? "nothing" : quote(text);
        }

        static String quote(String text) {
            return "'" + (text.length() > MAX_QUOTED ? text.substring(0, MAX_QUOTED) + "..." : text) + "'";
        }
    }
}
