package io.sluice.common.testing;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;

/**
 * Bounds what the current thread allocates on the heap while one fuzz input is processed: a
 * value that references make exponentially large, or output that outgrows its input by orders
 * of magnitude, fails with the figures instead of running the JVM out of memory later.
 *
 * <p>The measure is coarse on purpose. While fuzzing, Jazzer's comparison hooks allocate in the
 * fuzzed code too (2.4x the regression-mode figure for one AMF3 input), and a finding must
 * replay the same way without them, so the budget sits an order of magnitude above what any
 * input legitimately costs ({@link #forFuzzing()}). Buffers are bounded precisely and without
 * noise by {@link TrackingAllocator#assertCapacityAtMost}.
 *
 * <p>Loading a class allocates a lot, once, in the thread that first uses it (and while fuzzing,
 * Jazzer instruments it there too): when an input loaded classes, it is processed a second time
 * and that run is measured.
 */
public final class AllocationBudget {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final ClassLoadingMXBean CLASSES = ManagementFactory.getClassLoadingMXBean();

    private final long fixed;
    private final long perInputByte;

    /** 32 MiB plus 2 KiB per input byte: a 4 KiB input may allocate 40 MiB. */
    public static AllocationBudget forFuzzing() {
        return new AllocationBudget(32 << 20, 2048);
    }

    /**
     * @param fixed        bytes any input may allocate
     * @param perInputByte further bytes per input byte
     */
    public AllocationBudget(long fixed, long perInputByte) {
        if (!THREADS.isThreadAllocatedMemorySupported() || !THREADS.isThreadAllocatedMemoryEnabled()) {
            throw new IllegalStateException("this JVM does not count allocated bytes per thread");
        }
        this.fixed = fixed;
        this.perInputByte = perInputByte;
    }

    /**
     * Runs {@code work} on an input of {@code inputLength} bytes (twice if the first run loaded
     * classes) and throws an {@link AssertionError} if the measured run allocated more than the
     * budget. {@code work} must be repeatable: same input, same outcome.
     */
    public void run(int inputLength, Runnable work) {
        long classes = CLASSES.getTotalLoadedClassCount();
        long allocated = measure(work);
        if (CLASSES.getTotalLoadedClassCount() != classes) {
            allocated = measure(work);
        }
        long limit = fixed + perInputByte * inputLength;
        if (allocated > limit) {
            throw new AssertionError("allocated " + allocated + " bytes for a " + inputLength
                    + "-byte input, budget " + limit + " (" + fixed + " + " + perInputByte + " per input byte)");
        }
    }

    private static long measure(Runnable work) {
        long start = THREADS.getCurrentThreadAllocatedBytes();
        work.run();
        return THREADS.getCurrentThreadAllocatedBytes() - start;
    }
}
