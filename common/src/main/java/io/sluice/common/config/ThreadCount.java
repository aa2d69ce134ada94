package io.sluice.common.config;

/**
 * Event-loop threads in each worker: {@code auto} (the processors shared out among the workers,
 * at least one) or a fixed number 1..{@value #MAX}.
 *
 * @param auto  true for {@code auto}; {@code fixed} is then 0
 * @param fixed the number of threads when not auto
 */
public record ThreadCount(boolean auto, int fixed) {

    public static final int MAX = 256;

    /** {@code auto}. */
    public static final ThreadCount AUTO = new ThreadCount(true, 0);

    public ThreadCount {
        if (auto ? fixed != 0 : fixed < 1 || fixed > MAX) {
            throw new IllegalArgumentException(auto
                    ? "auto thread count must have fixed = 0, got " + fixed
                    : "thread count must be 1.." + MAX + ", got " + fixed);
        }
    }


    public static ThreadCount of(int threads) {
        return new ThreadCount(false, threads);
    }

    /** Threads per worker: {@code max(1, processors / workers)} for auto, else the fixed number. */
    public int resolve(int processors, int workers) {
        return auto ? Math.min(MAX, Math.max(1, processors / Math.max(1, workers))) : fixed;
    }

    /** As written in sluice.yaml: {@code auto} or the number. */
    @Override
    public String toString() {
        return auto ? "auto" : Integer.toString(fixed);
    }
}
