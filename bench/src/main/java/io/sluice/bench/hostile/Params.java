package io.sluice.bench.hostile;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The parameters given to one attack on the command line ({@code --param kind.key=value}), read
 * with a default each. An attack reads all its keys when it is built, so {@link #checkAllRead}
 * can then name a key that was given but means nothing to it (a typo would otherwise silently
 * run the default).
 */
public final class Params {

    private final String kind;
    private final Map<String, String> values;
    private final Set<String> read = new LinkedHashSet<>();

    public Params(String kind, Map<String, String> values) {
        this.kind = kind;
        this.values = new LinkedHashMap<>(values);
    }

    /** The parameters of {@code kind} among {@code all}, whose keys are "kind.key". */
    public static Params select(String kind, Map<String, String> all) {
        Map<String, String> mine = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(kind + ".")) {
                mine.put(k.substring(kind.length() + 1), v);
            }
        });
        return new Params(kind, mine);
    }

    public static Params none(String kind) {
        return new Params(kind, Map.of());
    }

    int integer(String key, int fallback) {
        read.add(key);
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return parseSize(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(kind + "." + key + ": not a whole number: " + v);
        }
    }

    boolean flag(String key, boolean fallback) {
        read.add(key);
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        return switch (v) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException(kind + "." + key + ": not true/false: " + v);
        };
    }

    /** Throws when a parameter was given that the attack never asked for. */
    void checkAllRead() {
        for (String key : values.keySet()) {
            if (!read.contains(key)) {
                throw new IllegalArgumentException("attack " + kind + " has no parameter '" + key + "' (it has: "
                        + String.join(", ", read) + ")");
            }
        }
    }

    /** A whole number, optionally with a binary suffix: 64k = 65536, 16m = 16 MiB. */
    static int parseSize(String v) {
        String s = v.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = 1;
        if (s.endsWith("k")) {
            unit = 1024;
        } else if (s.endsWith("m")) {
            unit = 1024 * 1024;
        }
        if (unit != 1) {
            s = s.substring(0, s.length() - 1);
        }
        return Math.toIntExact(Long.parseLong(s) * unit);
    }
}
