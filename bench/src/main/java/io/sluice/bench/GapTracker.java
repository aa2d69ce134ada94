package io.sluice.bench;

import java.util.Arrays;
import java.util.List;

/**
 * The largest gap between consecutive media messages (audio or video) one player received in a
 * window. A gap that straddles the window's start counts from the start, and a silence still
 * going on at the end counts up to the end, so a player that received nothing in a window has
 * a gap as long as the window. Used on the player's event loop only; times are nanoTime values.
 */
final class GapTracker {

    /** One player's window: its largest gap and how many media messages it received. */
    record Window(long maxGapNanos, long messages) {
    }

    /** Over all players of a window: the largest gap and the median of the players' largest gaps. */
    record Summary(double maxMs, double medianMs) {
    }

    private boolean measuring;
    private boolean any;
    private long last;
    private long windowStart;
    private long maxGap;
    private long messages;

    void startWindow(long now) {
        measuring = true;
        windowStart = now;
        maxGap = 0;
        messages = 0;
    }

    void arrived(long now) {
        if (measuring && now >= windowStart) {
            maxGap = Math.max(maxGap, now - from());
            messages++;
        }
        last = now;
        any = true;
    }

    Window endWindow(long now) {
        Window w = new Window(Math.max(maxGap, now - from()), messages);
        measuring = false;
        return w;
    }

    private long from() {
        return any ? Math.max(last, windowStart) : windowStart;
    }

    static Summary summarize(List<Window> windows) {
        if (windows.isEmpty()) {
            return new Summary(Double.NaN, Double.NaN);
        }
        long[] gaps = windows.stream().mapToLong(Window::maxGapNanos).sorted().toArray();
        return new Summary(gaps[gaps.length - 1] / 1e6, median(gaps) / 1e6);
    }

    /** The median of sorted values; the mean of the middle two for an even count. */
    static double median(long[] sorted) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        assert isSorted(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    private static boolean isSorted(long[] values) {
        long[] copy = values.clone();
        Arrays.sort(copy);
        return Arrays.equals(copy, values);
    }
}
