package io.sluice.common.protocol;

/**
 * {@code worker.drain} request data: close the listener, serve the open sessions until they end.
 *
 * @param timeoutMillis how long the master lets the worker drain before it stops it (for the log)
 */
public record DrainOrder(long timeoutMillis) {

    public DrainOrder {
        if (timeoutMillis < 0) {
            throw new IllegalArgumentException("timeoutMillis must not be negative: " + timeoutMillis);
        }
    }
}
