package io.sluice.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PercentilesTest {

    @Test
    void nearestRankOfSortedValues() {
        long[] hundred = new long[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = i + 1;
        }
        assertEquals(50, Percentiles.of(hundred, 0.5));
        assertEquals(99, Percentiles.of(hundred, 0.99));
        assertEquals(100, Percentiles.of(hundred, 1.0));
        assertEquals(1, Percentiles.of(hundred, 0.0));
        assertEquals(7, Percentiles.of(new long[] {7}, 0.99));
    }

    @Test
    void noValuesHaveNoPercentile() {
        assertEquals(-1, Percentiles.of(new long[0], 0.5));
    }
}
