package io.sluice.bench;

/** Percentiles of measured values, by nearest rank: the value at rank ⌈fraction × n⌉ of n sorted values. */
final class Percentiles {

    private Percentiles() {
    }

    /**
     * @param sorted   values in ascending order
     * @param fraction 0.5 for the median, 0.99 for p99
     * @return the value at that rank, or -1 when there is none
     */
    static long of(long[] sorted, double fraction) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(fraction * sorted.length) - 1))];
    }
}
