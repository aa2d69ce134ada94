package io.sluice.bench;

/**
 * A log-linear histogram of non-negative longs (microseconds here) with under 1 % relative error:
 * values below 128 are exact, above that each power of two has 64 buckets. Not thread-safe: each
 * event loop records into its own and {@link #add} merges them at the end.
 */
final class Histogram {

    private static final int LINEAR = 128;
    private static final int SUB = 64;
    private static final int SIZE = LINEAR + 58 * SUB;

    private final long[] counts = new long[SIZE];
    private long total;
    private long max;

    void record(long value) {
        if (value < 0) {
            value = 0;
        }
        counts[index(value)]++;
        total++;
        if (value > max) {
            max = value;
        }
    }

    void add(Histogram other) {
        for (int i = 0; i < SIZE; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
    }

    void reset() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
        max = 0;
    }

    Histogram copy() {
        Histogram h = new Histogram();
        h.add(this);
        return h;
    }

    long count() {
        return total;
    }

    long max() {
        return max;
    }

    /** The value at {@code fraction} (0..1) of the recorded ones; 0 when empty. */
    long percentile(double fraction) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(fraction * total));
        long seen = 0;
        for (int i = 0; i < SIZE; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(valueOf(i), max);
            }
        }
        return max;
    }

    static int index(long v) {
        if (v < LINEAR) {
            return (int) v;
        }
        int shift = 63 - Long.numberOfLeadingZeros(v) - 6; // v >> shift is in [64, 127]
        int idx = LINEAR + (shift - 1) * SUB + (int) ((v >>> shift) - SUB);
        return Math.min(idx, SIZE - 1);
    }

    /** Upper bound of bucket {@code i}. */
    static long valueOf(int i) {
        if (i < LINEAR) {
            return i;
        }
        int shift = (i - LINEAR) / SUB + 1;
        long base = ((long) ((i - LINEAR) % SUB) + SUB) << shift;
        return base + (1L << shift) - 1;
    }
}
