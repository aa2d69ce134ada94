package io.sluice.common.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The text forms of sizes, durations and counts, both ways. */
class ValueFormsTest {

    @Test
    void sizes() {
        assertEquals(65536, ByteSizeUtil.parse("65536"));
        assertEquals(64 * 1024, ByteSizeUtil.parse("64KiB"));
        assertEquals(64 * 1024, ByteSizeUtil.parse("64k"));
        assertEquals(64 * 1024, ByteSizeUtil.parse("64K"));
        assertEquals(16L << 20, ByteSizeUtil.parse("16MiB"));
        assertEquals(16L << 20, ByteSizeUtil.parse("16m"));
        assertEquals(2L << 30, ByteSizeUtil.parse("2GiB"));
        assertEquals(2L << 30, ByteSizeUtil.parse("2G"));
        assertEquals(0, ByteSizeUtil.parse("0"));
        assertEquals(-1, ByteSizeUtil.parse("16MB"));
        assertEquals(-1, ByteSizeUtil.parse("-1"));
        assertEquals(-1, ByteSizeUtil.parse("1.5m"));
        assertEquals(-1, ByteSizeUtil.parse("kib"));
        assertEquals(Long.MAX_VALUE, ByteSizeUtil.parse("99999999999999999999"));
        assertEquals(Long.MAX_VALUE, ByteSizeUtil.parse("999999999999999999GiB"));
    }

    @Test
    void sizesFormatInTheLargestExactUnit() {
        assertEquals("16MiB", ByteSizeUtil.format(16L << 20));
        assertEquals("1GiB", ByteSizeUtil.format(1L << 30));
        assertEquals("1536KiB", ByteSizeUtil.format(1536 * 1024));
        assertEquals("5000000", ByteSizeUtil.format(5_000_000));
        assertEquals("0", ByteSizeUtil.format(0));
    }

    @Test
    void durations() {
        assertEquals(Duration.ofMillis(500), DurationUtil.parse("500ms"));
        assertEquals(Duration.ofSeconds(5), DurationUtil.parse("5s"));
        assertEquals(Duration.ofMinutes(2), DurationUtil.parse("2m"));
        assertEquals(Duration.ofHours(1), DurationUtil.parse("1h"));
        assertEquals(Duration.ZERO, DurationUtil.parse("0s"));
        assertNull(DurationUtil.parse("5"));
        assertNull(DurationUtil.parse("5 s"));
        assertNull(DurationUtil.parse("1.5s"));
        assertNull(DurationUtil.parse("-1s"));
        assertNull(DurationUtil.parse("5S"));
        assertEquals(DurationUtil.TOO_LONG, DurationUtil.parse("9999999999999999999h"));
    }

    @Test
    void durationsFormatInTheLargestExactUnit() {
        assertEquals("0s", DurationUtil.format(Duration.ZERO));
        assertEquals("500ms", DurationUtil.format(Duration.ofMillis(500)));
        assertEquals("2500ms", DurationUtil.format(Duration.ofMillis(2500)));
        assertEquals("90s", DurationUtil.format(Duration.ofSeconds(90)));
        assertEquals("2m", DurationUtil.format(Duration.ofSeconds(120)));
        assertEquals("5m", DurationUtil.format(Duration.ofMillis(300_000)));
        assertEquals("24h", DurationUtil.format(Duration.ofDays(1)));
    }

    @Test
    void workerCountResolves() {
        assertEquals(4, WorkerCount.AUTO.resolve(4));
        assertEquals(1, WorkerCount.AUTO.resolve(0));
        assertEquals(WorkerCount.MAX, WorkerCount.AUTO.resolve(1000));
        assertEquals(3, WorkerCount.of(3).resolve(64));
        assertEquals("auto", WorkerCount.AUTO.toString());
        assertEquals("3", WorkerCount.of(3).toString());
    }

    @Test
    void threadCountResolves() {
        assertEquals(2, ThreadCount.AUTO.resolve(8, 4));
        assertEquals(2, ThreadCount.AUTO.resolve(8, 3));
        assertEquals(1, ThreadCount.AUTO.resolve(2, 4));
        assertEquals(4, ThreadCount.AUTO.resolve(4, 0), "no workers counts as one");
        assertEquals(6, ThreadCount.of(6).resolve(2, 4));
    }
}
