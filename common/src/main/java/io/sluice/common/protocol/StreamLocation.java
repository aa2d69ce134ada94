package io.sluice.common.protocol;

/**
 * Where a stream is published: the owning worker and its relay endpoint (a Unix socket path).
 * The data of a {@code stream.locate} response (with {@code found} false when nobody publishes
 * it yet; the asking worker is then told through {@code stream.published} when somebody does),
 * and of the {@code stream.published} notification.
 */
public record StreamLocation(String app, String name, boolean found, int worker, String endpoint) {

    public static StreamLocation notFound(StreamRef ref) {
        return new StreamLocation(ref.app(), ref.name(), false, 0, null);
    }

    public StreamRef ref() {
        return new StreamRef(app, name);
    }
}
