package io.sluice.common.config;

/**
 * How many worker processes the master runs: {@code auto} (one per available processor, like
 * nginx's {@code worker_processes auto}) or a fixed number 1..{@value #MAX}.
 *
 * @param auto  true for {@code auto}; {@code fixed} is then 0
 * @param fixed the number of workers when not auto
 */
public record WorkerCount(boolean auto, int fixed) {

    /** Upper bound for a fixed count, and the cap applied to {@code auto} on very large machines. */
    public static final int MAX = 128;

    /** {@code auto}. */
    public static final WorkerCount AUTO = new WorkerCount(true, 0);

    public WorkerCount {
        if (auto ? fixed != 0 : fixed < 1 || fixed > MAX) {
            throw new IllegalArgumentException(auto
                    ? "auto worker count must have fixed = 0, got " + fixed
                    : "worker count must be 1.." + MAX + ", got " + fixed);
        }
    }


    public static WorkerCount of(int workers) {
        return new WorkerCount(false, workers);
    }

    /** The number of workers to run on a machine with {@code processors} available processors. */
    public int resolve(int processors) {
        return auto ? Math.max(1, Math.min(MAX, processors)) : fixed;
    }

    /** As written in sluice.yaml: {@code auto} or the number. */
    @Override
    public String toString() {
        return auto ? "auto" : Integer.toString(fixed);
    }
}
