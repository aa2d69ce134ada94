package io.sluice.common.protocol.control;

/**
 * {@code master.stop} request data.
 *
 * @param now   skip worker.close: SIGTERM at once
 * @param drain the graceful stop: workers finish their sessions first (nginx's QUIT)
 */
public record StopOrder(boolean now, boolean drain) {

    public StopOrder {
        if (now && drain) {
            throw new IllegalArgumentException("a stop is either now or draining, not both");
        }
    }
}
