package io.sluice.common.protocol.control;

/**
 * {@code master.ping} request data.
 *
 * @param count worker.ping round trips per worker, one after the other
 */
public record PingOrder(int count) {

    public static final int DEFAULT_COUNT = 1000;
    public static final int MAX_COUNT = 1_000_000;

    public PingOrder {
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("count must be 1.." + MAX_COUNT + ", got " + count);
        }
    }
}
