package io.sluice.common.config;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A value written as one YAML scalar. Checks the text itself rather than trusting the YAML
 * type: {@code port: "1935"} is fine, {@code enabled: yes} (YAML 1.1 boolean) is not.
 */
final class ScalarType<V> implements ValueType<V> {

    /** Turns the scalar's text into a value or says why it cannot. */
    @FunctionalInterface
    interface Parser<V> {
        V parse(String text) throws BadValue;
    }

    /** Why a scalar was refused; becomes the detail of a {@link ConfigException}. */
    static final class BadValue extends Exception {
        BadValue(String detail) {
            super(detail, null, false, false);
        }
    }

    /** Integers JSON can carry as they are: no leading zeros, no more digits than a long holds. */
    private static final Pattern JSON_INTEGER = Pattern.compile("-?(0|[1-9]\\d{0,17})");

    private final String expected;
    private final Parser<V> parser;
    private final Function<V, String> formatter;
    private final boolean secret;

    ScalarType(String expected, Parser<V> parser, Function<V, String> formatter) {
        this(expected, parser, formatter, false);
    }

    ScalarType(String expected, Parser<V> parser, Function<V, String> formatter, boolean secret) {
        this.expected = expected;
        this.parser = parser;
        this.formatter = formatter;
        this.secret = secret;
    }

    /**
     * Whether the value is a secret (a token): what shows changes to operators ({@link ConfigDiff},
     * so {@code bin/ctl reload} and the reload log line) says "(set)" or "(none)" instead.
     */
    boolean secret() {
        return secret;
    }

    /** The value of {@code text}, as {@link #read} would give it. */
    V parse(String text) throws BadValue {
        return parser.parse(text);
    }

    @Override
    public String expected() {
        return expected;
    }

    @Override
    public V read(ConfigNode node, String key, String source) throws ConfigException {
        if (!(node instanceof ConfigNode.Scalar scalar) || scalar.isNull()) {
            throw ConfigException.at(source, node.mark(), key, "expected " + expected + ", got " + node.describe());
        }
        try {
            return parser.parse(scalar.text());
        } catch (BadValue e) {
            throw ConfigException.at(source, node.mark(), key, e.getMessage());
        }
    }

    /**
     * Writes the text form; plain numbers and booleans as JSON numbers and booleans so that a
     * reader of the JSON tree sees types. Lossless because {@link #read} only looks at the text.
     */
    @Override
    public void write(V value, JsonGenerator out) throws IOException {
        String text = format(value);
        if (JSON_INTEGER.matcher(text).matches()) {
            out.writeNumber(Long.parseLong(text));
        } else if (value instanceof Boolean b) {
            out.writeBoolean(b);
        } else {
            out.writeString(text);
        }
    }

    @Override
    public String format(V value) {
        return formatter.apply(value);
    }

    /** The text did not have the expected form: {@code expected an integer 1..65535, got 'abc'}. */
    static BadValue malformed(String expected, String text) {
        return new BadValue("expected " + expected + ", got " + ConfigNode.Scalar.quote(text));
    }

    /** The text had the right form but the value is outside the allowed range. */
    static BadValue outOfRange(String expected, String text) {
        return new BadValue(ConfigNode.Scalar.quote(text) + " is out of range, expected " + expected);
    }
}
