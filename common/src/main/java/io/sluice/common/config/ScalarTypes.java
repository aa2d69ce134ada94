package io.sluice.common.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
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

    /** {@code host:port}, the host an IPv4 literal, a name or a bracketed IPv6 literal. */
    private static final Pattern LISTEN = Pattern.compile("([A-Za-z0-9.\\-]{1,253}|\\[[0-9A-Fa-f:.%A-Za-z]{2,60}\\]):(\\d{1,5})");
    /** Token characters of RFC 6750's b64token, so that it fits an Authorization header as it is. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]{16,256}=*");

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

    /**
     * Where a listener binds, {@code host:port} ({@code [::1]:1985} for an IPv6 literal), or
     * empty for no listener at all.
     */
    static ScalarType<String> listen() {
        String expected = "host:port such as 127.0.0.1:1985 or [::1]:1985, or \"\" for none";
        return new ScalarType<>(expected, text -> {
            if (text.isEmpty()) {
                return text;
            }
            var m = LISTEN.matcher(text);
            if (!m.matches()) {
                throw malformed(expected, text);
            }
            int port = Integer.parseInt(m.group(2));
            if (port < 1 || port > 65535) {
                throw outOfRange("a port 1..65535", text);
            }
            return text;
        }, text -> text);
    }

    /**
     * A bearer token, 16 to 256 characters of RFC 6750's token alphabet, or empty for none. A
     * secret: configuration diffs show only whether it is set (see {@link ScalarType#secret()}).
     */
    static ScalarType<String> token() {
        String expected = "\"\" or 16..256 characters of A-Z a-z 0-9 - . _ ~ + / (then = padding)";
        return new ScalarType<>(expected, text -> {
            if (!text.isEmpty() && !TOKEN.matcher(text).matches()) {
                // Not the text itself: it is a secret, even when mistyped.
                throw malformed(expected, "(" + text.length() + " characters)");
            }
            return text;
        }, text -> text, true);
    }

    /**
     * A Redis URL as Lettuce reads it, {@code redis://[user:password@]host[:port][/db]} or
     * {@code rediss://} (TLS), or empty for none. Only the form is checked here: whether Redis
     * answers is the master's business at start.
     */
    static ScalarType<String> redisUrl() {
        String expected = "\"\" or redis://[user:password@]host[:port][/db] (rediss:// for TLS)";
        return new ScalarType<>(expected, text -> {
            if (text.isEmpty()) {
                return text;
            }
            java.net.URI uri;
            try {
                uri = new java.net.URI(text);
            } catch (java.net.URISyntaxException e) {
                throw malformed(expected, redactedUrl(text));
            }
            String scheme = uri.getScheme();
            String path = uri.getPath() == null ? "" : uri.getPath();
            if (!("redis".equals(scheme) || "rediss".equals(scheme)) || uri.getHost() == null
                    || !(path.isEmpty() || path.matches("/\\d{1,2}")) || uri.getQuery() != null
                    || uri.getFragment() != null) {
                throw malformed(expected, redactedUrl(text));
            }
            if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) {
                throw outOfRange("a port 1..65535", redactedUrl(text));
            }
            return text;
        }, text -> text, true);
    }

    /** The URL without what could be a password, for an error message. */
    private static String redactedUrl(String text) {
        int at = text.lastIndexOf('@');
        int scheme = text.indexOf("://");
        return at > 0 && scheme >= 0 && at > scheme ? text.substring(0, scheme + 3) + "(credentials)" + text.substring(at)
                : text;
    }

    /** A cluster node id: 1..64 characters of A-Z a-z 0-9 . _ -, or empty for the host name. */
    static ScalarType<String> nodeName() {
        String expected = "\"\" or 1..64 characters of A-Z a-z 0-9 . _ -";
        return new ScalarType<>(expected, text -> {
            if (!text.isEmpty() && !text.matches("[A-Za-z0-9._\\-]{1,64}")) {
                throw malformed(expected, text);
            }
            return text;
        }, text -> text);
    }

    /** Where other hosts reach this one, {@code host:port}, or empty for the default. */
    static ScalarType<String> advertise() {
        ScalarType<String> listen = listen();
        String expected = "host:port such as 10.0.0.5:1935, or \"\" for the node name and rtmp.port";
        return new ScalarType<>(expected, text -> {
            try {
                return listen.parse(text);
            } catch (ScalarType.BadValue e) {
                throw malformed(expected, text);
            }
        }, text -> text);
    }

    /** The secret shared by a cluster's hosts: as {@link #secret()}, or empty; never shown in diffs. */
    static ScalarType<String> clusterSecret() {
        ScalarType<String> secret = secret();
        return new ScalarType<>(secret.expected(), text -> text.isEmpty() ? text : secret.parse(text), text -> text,
                true);
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
        return oneOf(LogLevel.values(), LogLevel::text);
    }

    /** A socket transport name: {@code auto}, {@code epoll} or {@code io_uring}, in any case. */
    static ScalarType<TransportChoice> transport() {
        return oneOf(TransportChoice.values(), TransportChoice::text);
    }

    /** One of {@code values}, by its text, in any case. */
    private static <V> ScalarType<V> oneOf(V[] values, Function<V, String> text) {
        String expected = "one of " + Arrays.stream(values).map(text).collect(Collectors.joining(", "));
        return new ScalarType<>(expected, written -> {
            for (V value : values) {
                if (text.apply(value).equals(written.toLowerCase(Locale.ROOT))) {
                    return value;
                }
            }
            throw malformed(expected, written);
        }, text);
    }

    /** {@code auto} or a whole number in {@code 1..max}. */
    static <V> ScalarType<V> autoOrCount(int max, V auto, IntFunction<V> fixed) {
        String expected = "'auto' or an integer 1.." + max;
        return new ScalarType<>(expected, text -> text.equals("auto")
                ? auto : fixed.apply(checkedInt(text, 1, max, expected)), String::valueOf);
    }

    /** One {@code allow}/{@code deny} line of an app's publish or play rules. */
    static ScalarType<io.sluice.common.access.AccessRule> accessRule() {
        String expected = "'allow' or 'deny' and then 'all', an IP address or a CIDR block, e.g. 'deny 10.0.0.0/8'";
        return new ScalarType<>(expected, text -> {
            try {
                return io.sluice.common.access.AccessRule.parse(text);
            } catch (IllegalArgumentException e) {
                throw new ScalarType.BadValue(e.getMessage() + ", got " + ConfigNode.Scalar.quote(text));
            }
        }, io.sluice.common.access.AccessRule::toString);
    }

    /** A secret for signed URLs: long enough not to be guessed, and printable (it is typed into configs). */
    static ScalarType<String> secret() {
        String expected = "a secret of 16..256 printable ASCII characters";
        return new ScalarType<>(expected, text -> {
            if (text.length() < 16 || text.length() > 256 || !text.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                // The secret itself stays out of the message.
                throw new ScalarType.BadValue("expected " + expected + ", got one of " + text.length() + " characters");
            }
            return text;
        }, text -> text);
    }

    /** Which actions of an app need a signed URL. */
    static ScalarType<AppSettings.Signed> signed() {
        String expected = "one of none, publish, play, all";
        return new ScalarType<>(expected, text -> {
            for (AppSettings.Signed s : AppSettings.Signed.values()) {
                if (s.text().equals(text)) {
                    return s;
                }
            }
            throw malformed(expected, text);
        }, AppSettings.Signed::text);
    }

    /**
     * A hook: an http:// or https:// URL with a host, or {@code off}; with {@code inherit} too for
     * an app's own hooks (then the URL in the hooks section applies).
     */
    static ScalarType<String> hookUrl(boolean perApp) {
        String expected = perApp ? "an http:// or https:// URL, 'off' or 'inherit'" : "an http:// or https:// URL or 'off'";
        return new ScalarType<>(expected, text -> {
            if (text.equals(HookSettings.OFF) || (perApp && text.equals(AppSettings.INHERIT))) {
                return text;
            }
            try {
                java.net.URI uri = new java.net.URI(text);
                String scheme = uri.getScheme();
                if (!("http".equals(scheme) || "https".equals(scheme)) || uri.getHost() == null
                        || uri.getRawFragment() != null) {
                    throw malformed(expected, text);
                }
                return text;
            } catch (java.net.URISyntaxException e) {
                throw new ScalarType.BadValue("expected " + expected + ", got " + ConfigNode.Scalar.quote(text)
                        + " (" + e.getReason() + ")");
            }
        }, text -> text);
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
