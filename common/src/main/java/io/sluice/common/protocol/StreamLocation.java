package io.sluice.common.protocol;

/**
 * Where a stream is published: the owning worker and its relay endpoint (a Unix socket path),
 * or, with several hosts ({@code cluster.redis}), the host that owns it and its relay address.
 * The data of a {@code stream.locate} response (with {@code found} false when nobody publishes
 * it yet; the asking worker is then told through {@code stream.published} when somebody does),
 * and of the {@code stream.published} notification.
 *
 * @param worker   the owning worker on this host; 0 when another host owns it
 * @param endpoint the owner's relay endpoint: a Unix socket path on this host, or
 *                 {@code host:port} (the RTMP port of the owning host) when {@code host} is set
 * @param host     the node name of the owning host when it is another host; null on this host
 */
public record StreamLocation(String app, String name, boolean found, int worker, String endpoint, String host) {

    /** A location on this host. */
    public StreamLocation(String app, String name, boolean found, int worker, String endpoint) {
        this(app, name, found, worker, endpoint, null);
    }

    public static StreamLocation notFound(StreamRef ref) {
        return new StreamLocation(ref.app(), ref.name(), false, 0, null, null);
    }

    /** {@code ref} published on another host, relayed from {@code address} ({@code host:port}). */
    public static StreamLocation onHost(StreamRef ref, String node, String address) {
        return new StreamLocation(ref.app(), ref.name(), true, 0, address, node);
    }

    /** Whether another host owns the stream. */
    public boolean remote() {
        return host != null;
    }

    public StreamRef ref() {
        return new StreamRef(app, name);
    }
}
