package io.sluice.common.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fails a test when Netty reports a leaked buffer. Registered for every test class through
 * JUnit's extension auto-detection (see the surefire configuration in the parent pom).
 *
 * <p>Netty only reports a leak after the garbage collector has enqueued the lost buffer and a
 * later allocation polls the queue, so each check collects garbage and allocates a few tracked
 * buffers first. A leak in one test can surface in the next one; either way the build fails.
 */
public final class LeakCheckExtension implements AfterEachCallback, AfterAllCallback {

    /**
     * Set in the fuzzing JVMs (the surefire execution "fuzz"): there each fuzz target checks its
     * buffers after every input (TrackingAllocator), and two garbage collections after each of a
     * target's seed invocations would cost more time than the fuzzing itself. A leak Netty
     * reports still fails the class.
     */
    private static final boolean ONCE_PER_CLASS = Boolean.getBoolean("sluice.test.leakCheckOncePerClass");

    @Override
    public void afterEach(ExtensionContext context) {
        if (!ONCE_PER_CLASS) {
            check(context.getDisplayName());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        check(context.getDisplayName());
    }

    private static void check(String where) {
        for (int round = 0; round < 2; round++) {
            System.gc();
            System.runFinalization();
            for (int i = 0; i < 32; i++) {
                ByteBuf probe = (i & 1) == 0
                        ? PooledByteBufAllocator.DEFAULT.buffer(16)
                        : Unpooled.directBuffer(16);
                probe.release();
            }
        }
        List<String> reports = LeakRecorder.drain();
        if (!reports.isEmpty()) {
            fail("Netty reported " + reports.size() + " leaked buffer(s) by the end of " + where
                    + ":\n" + String.join("\n\n", reports));
        }
    }
}
