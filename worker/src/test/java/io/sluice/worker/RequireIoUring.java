package io.sluice.worker;

import io.sluice.worker.net.Transport;
import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** For tests that need io_uring: skipped on a kernel without it, failed instead under {@code CI=true}. */
public final class RequireIoUring {

    private RequireIoUring() {
    }

    public static void here() {
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(Transport.ioUringAvailable(), "io_uring is needed under CI=true: " + Transport.ioUringUnavailabilityCause());
        }
        Assumptions.assumeTrue(Transport.ioUringAvailable(), "io_uring not available here");
    }
}
