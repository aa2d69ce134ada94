package io.sluice.common.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes as written in sluice.yaml: a whole number of bytes, optionally with a binary unit.
 * {@code KiB}/{@code MiB}/{@code GiB}, and nginx's {@code k}/{@code m}/{@code g} (either case)
 * for the same multiples, so sizes copied from an nginx-rtmp config keep their meaning.
 */
final class ByteSizeUtil {

    static final String FORMS = "a whole number of bytes, optionally with unit KiB, MiB or GiB"
            + " (k, m, g mean the same), e.g. 65536, 64KiB, 16MiB";

    private static final Pattern SIZE = Pattern.compile("(\\d+)(KiB|MiB|GiB|[kKmMgG])?");
    private static final long KIB = 1024;
    private static final long MIB = KIB * 1024;
    private static final long GIB = MIB * 1024;

    private ByteSizeUtil() {
    }

    /**
     * Parses a size; -1 when the text does not have the form, {@link Long#MAX_VALUE} when it has
     * the form but overflows (so the caller reports it as out of range, not as malformed).
     */
    static long parse(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            return -1;
        }
        String digits = m.group(1);
        if (digits.length() > 18) {
            return Long.MAX_VALUE;
        }
        long unit = unit(m.group(2));
        try {
            return Math.multiplyExact(Long.parseLong(digits), unit);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** The shortest exact form: 16777216 becomes {@code 16MiB}, 5000000 stays {@code 5000000}. */
    static String format(long bytes) {
        if (bytes != 0 && bytes % GIB == 0) {
            return bytes / GIB + "GiB";
        }
        if (bytes != 0 && bytes % MIB == 0) {
            return bytes / MIB + "MiB";
        }
        if (bytes != 0 && bytes % KIB == 0) {
            return bytes / KIB + "KiB";
        }
        return Long.toString(bytes);
    }

    private static long unit(String suffix) {
        if (suffix == null) {
            return 1;
        }
        switch (Character.toLowerCase(suffix.charAt(0))) {
            case 'k':
                return KIB;
            case 'm':
                return MIB;
            default:
                return GIB;
        }
    }
}
