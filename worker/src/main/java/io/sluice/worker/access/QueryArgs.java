package io.sluice.worker.access;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A client's query arguments ({@code name?key=x&sig=y}), as the hooks pass them on and signed URLs
 * read them. The first value of a repeated argument wins; a broken escape leaves the text as it is.
 */
public final class QueryArgs {

    /** Arguments kept at most; more are dropped (a hook does not need hundreds). */
    static final int MAX_ARGS = 64;

    private QueryArgs() {
    }

    /** The arguments of {@code query} (without the '?'); empty for null. */
    public static Map<String, String> parse(String query) {
        if (query == null || query.isEmpty()) {
            return Map.of();
        }
        Map<String, String> args = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty() || args.size() >= MAX_ARGS) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (!key.isEmpty()) {
                args.putIfAbsent(key, value);
            }
        }
        return Collections.unmodifiableMap(args);
    }

    /** The query part of {@code text} ({@code name?a=1} → {@code a=1}); null without one. */
    public static String queryOf(String text) {
        if (text == null) {
            return null;
        }
        int q = text.indexOf('?');
        return q < 0 ? null : text.substring(q + 1);
    }

    /** {@code base} with {@code over}'s arguments added, {@code over} winning. */
    public static Map<String, String> merge(Map<String, String> base, Map<String, String> over) {
        if (base.isEmpty()) {
            return over;
        }
        Map<String, String> out = new LinkedHashMap<>(base);
        out.putAll(over);
        return Collections.unmodifiableMap(out);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
