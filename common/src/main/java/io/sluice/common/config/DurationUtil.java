package io.sluice.common.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in sluice.yaml: a whole number with a unit, {@code ms}, {@code s},
 * {@code m} or {@code h}. A bare number is refused: {@code timeout: 5} is a classic
 * seconds-or-milliseconds mistake.
 */
public final class DurationUtil {

    static final String FORMS = "a duration: a whole number with unit ms, s, m or h, e.g. 500ms, 5s, 2m, 1h";

    /** Stands for "more than any range allows" so that it is reported as out of range. */
    static final Duration TOO_LONG = Duration.ofDays(365L * 1000);

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
    /** More digits than this is out of range for every duration we accept, and cannot overflow. */
    private static final int MAX_DIGITS = 12;

    private DurationUtil() {
    }

    /**
     * Parses a duration; null when the text does not have the form. Absurdly long numbers give
     * {@link #TOO_LONG} so the caller reports them as out of range.
     */
    public static Duration parse(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            return null;
        }
        if (m.group(1).length() > MAX_DIGITS) {
            return TOO_LONG;
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms":
                return Duration.ofMillis(n);
            case "s":
                return Duration.ofSeconds(n);
            case "m":
                return Duration.ofMinutes(n);
            default:
                return Duration.ofHours(n);
        }
    }

    /** The largest unit that is exact: 300000ms becomes {@code 5m}, zero is {@code 0s}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1_000 == 0) {
            return ms / 1_000 + "s";
        }
        return ms + "ms";
    }
}
