package io.sluice.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GapTrackerTest {

    private static final long MS = 1_000_000;

    @Test
    void largestGapBetweenMessagesInsideTheWindow() {
        GapTracker g = new GapTracker();
        g.arrived(0);
        g.startWindow(100 * MS);
        g.arrived(110 * MS);
        g.arrived(150 * MS);
        g.arrived(400 * MS);
        GapTracker.Window w = g.endWindow(450 * MS);
        assertEquals(250 * MS, w.maxGapNanos());
        assertEquals(3, w.messages());
    }

    @Test
    void aGapStraddlingTheStartCountsFromTheStart() {
        GapTracker g = new GapTracker();
        g.arrived(50 * MS);
        g.startWindow(100 * MS);
        g.arrived(300 * MS);
        g.arrived(310 * MS);
        assertEquals(200 * MS, g.endWindow(320 * MS).maxGapNanos());
    }

    @Test
    void aSilenceAtTheEndCountsUpToTheEnd() {
        GapTracker g = new GapTracker();
        g.startWindow(100 * MS);
        g.arrived(110 * MS);
        assertEquals(790 * MS, g.endWindow(900 * MS).maxGapNanos());
    }

    @Test
    void aPlayerThatReceivedNothingHasAGapAsLongAsTheWindow() {
        GapTracker g = new GapTracker();
        g.startWindow(100 * MS);
        GapTracker.Window w = g.endWindow(1100 * MS);
        assertEquals(1000 * MS, w.maxGapNanos());
        assertEquals(0, w.messages());
    }

    @Test
    void windowsAreIndependent() {
        GapTracker g = new GapTracker();
        g.startWindow(0);
        g.arrived(500 * MS);
        g.arrived(510 * MS);
        assertEquals(500 * MS, g.endWindow(520 * MS).maxGapNanos());
        g.arrived(530 * MS); // between windows: not counted
        g.startWindow(600 * MS);
        g.arrived(620 * MS);
        g.arrived(640 * MS);
        GapTracker.Window second = g.endWindow(650 * MS);
        assertEquals(20 * MS, second.maxGapNanos());
        assertEquals(2, second.messages());
    }

    @Test
    void summaryIsTheLargestGapAndTheMedianOfThePlayersLargest() {
        GapTracker.Summary odd = GapTracker.summarize(List.of(new GapTracker.Window(30 * MS, 1),
                new GapTracker.Window(900 * MS, 1), new GapTracker.Window(40 * MS, 1)));
        assertEquals(900.0, odd.maxMs());
        assertEquals(40.0, odd.medianMs());
        GapTracker.Summary even = GapTracker.summarize(List.of(new GapTracker.Window(30 * MS, 1),
                new GapTracker.Window(900 * MS, 1), new GapTracker.Window(40 * MS, 1), new GapTracker.Window(50 * MS, 1)));
        assertEquals(900.0, even.maxMs());
        assertEquals(45.0, even.medianMs());
        assertEquals(Double.NaN, GapTracker.summarize(List.of()).maxMs());
    }
}
