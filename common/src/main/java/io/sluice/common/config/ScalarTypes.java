package io.sluice.common.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.sluice.common.config.ScalarType.malformed;
import static io.sluice.common.config.ScalarType.outOfRange;

/** The scalar value types of sluice.yaml, each with its range. */
final class ScalarTypes {

    private static final Pattern INTEGER = Pattern.compile("-?\\d+");
    /** Host names and IPv4/IPv6 literals; anything else cannot be bound to. */
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9._:%\\-\\[\\]]{1,253}");

    private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.\\-]{1,253}(:[0-9]{1,5})?");

    private ScalarTypes() {
    }

    /** A whole number in {@code min..max}. */
    static ScalarType<Integer> integer(int min, int max) {
        String expected = "an integer " + min + ".." + max;
        return new ScalarType<>(expected, text -> checkedInt(text, min, max, expected), String::valueOf);
    }

    /** A byte count in {@code min..max}, written with {@link ByteSizeUtil}'s units. */
    static ScalarType<Integer> size(int min, int max) {
        String expected = "a size " + ByteSizeUtil.format(min) + ".." + ByteSizeUtil.format(max);
        return new ScalarType<>(expected, text -> {
            long bytes = ByteSizeUtil.parse(text);
            if (bytes < 0) {
                throw malformed(ByteSizeUtil.FORMS, text);
            }
            if (bytes < min || bytes > max) {
                throw outOfRange(expected, text);
            }
            return (int) bytes;
        }, bytes -> ByteSizeUtil.format(bytes));
    }

    /** A duration in {@code min..max}, written with {@link DurationUtil}'s units. */
    static ScalarType<Duration> duration(Duration min, Duration max) {
        String expected = "a duration " + DurationUtil.format(min) + ".." + DurationUtil.format(max);
        return new ScalarType<>(expected, text -> {
            Duration d = DurationUtil.parse(text);
            if (d == null) {
                throw malformed(DurationUtil.FORMS, text);
            }
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw outOfRange(expected, text);
            }
            return d;
        }, DurationUtil::format);
    }

    /** {@code true} or {@code false}; YAML 1.1's yes/no/on/off are refused as ambiguous. */
    static ScalarType<Boolean> bool() {
        String expected = "true or false";
        return new ScalarType<>(expected, text -> {
            if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                return Boolean.valueOf(text.equalsIgnoreCase("true"));
            }
            throw malformed(expected, text);
        }, String::valueOf);
    }

    /** A listen address: an IP literal or a host name. */
    static ScalarType<String> address() {
        String expected = "an IP address or host name, e.g. 0.0.0.0 or ::";
        return new ScalarType<>(expected, text -> {
            if (!ADDRESS.matcher(text).matches()) {
                throw malformed(expected, text);
            }
            return text;
        }, text -> text);
    }

    /**
     * The value of {@code Access-Control-Allow-Origin}: {@code *} (any page) or one origin,
     * {@code http(s)://host[:port]} without a path; nothing that could break the header line.
     */
    static ScalarType<String> origin() {
        String expected = "\"*\" or an origin such as https://example.com:8443";
        return new ScalarType<>(expected, text -> {
            if (!text.equals("*") && !ORIGIN.matcher(text).matches()) {
                throw malformed(expected, text);
            }
            return text;
        }, text -> text);
    }

    /** A file system path, kept as written (relative paths are resolved later, against SLUICE_HOME). */
    static ScalarType<Path> path() {
        String expected = "a directory path";
        return new ScalarType<>(expected, text -> {
            if (text.isBlank()) {
                throw malformed(expected, text);
            }
            try {
                return Path.of(text);
            } catch (InvalidPathException e) {
                throw malformed(expected, text);
            }
        }, Path::toString);
    }

    /** One of a few words, exactly as written. */
    static ScalarType<String> oneOf(String... words) {
        String expected = "one of " + String.join(", ", words);
        return new ScalarType<>(expected, text -> {
            for (String w : words) {
                if (w.equals(text)) {
                    return w;
                }
            }
            throw malformed(expected, text);
        }, text -> text);
    }

    /** {@code auto} or a directory path, kept as written. */
    static ScalarType<String> autoOrPath() {
        String expected = "'auto' or a directory path";
        return new ScalarType<>(expected, text -> {
            if (text.isBlank() || text.indexOf('\0') >= 0) {
                throw malformed(expected, text);
            }
            if (!text.equals("auto")) {
                try {
                    Path.of(text);
                } catch (InvalidPathException e) {
                    throw malformed(expected, text);
                }
            }
            return text;
        }, text -> text);
    }

    /** A log level name, in any case. */
    static ScalarType<LogLevel> logLevel() {
        String expected = "one of " + Arrays.stream(LogLevel.values()).map(LogLevel::text)
                .collect(Collectors.joining(", "));
        return new ScalarType<>(expected, text -> {
            for (LogLevel level : LogLevel.values()) {
                if (level.text().equals(text.toLowerCase(Locale.ROOT))) {
                    return level;
                }
            }
            throw malformed(expected, text);
        }, LogLevel::text);
    }

    /** {@code auto} or a whole number in {@code 1..max}. */
    static <V> ScalarType<V> autoOrCount(int max, V auto, IntFunction<V> fixed) {
        String expected = "'auto' or an integer 1.." + max;
        return new ScalarType<>(expected, text -> text.equals("auto")
                ? auto : fixed.apply(checkedInt(text, 1, max, expected)), String::valueOf);
    }

    private static int checkedInt(String text, int min, int max, String expected) throws ScalarType.BadValue {
        if (!INTEGER.matcher(text).matches()) {
            throw malformed(expected, text);
        }
        // More than 10 digits cannot be an int; say "out of range", not "not a number".
        long value = text.length() > 11 ? Long.MAX_VALUE : Long.parseLong(text);
        if (value < min || value > max) {
            throw outOfRange(expected, text);
        }
        return (int) value;
    }
}
