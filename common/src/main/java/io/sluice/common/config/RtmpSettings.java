package io.sluice.common.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The RTMP listener and the protocol limits each connection is held to (section {@code rtmp}).
 * Ranges are checked when the configuration is loaded; see conf/sluice.yaml for each key.
 *
 * @param bind              listen address
 * @param port              listen port, shared by all workers with SO_REUSEPORT
 * @param chunkSize         chunk size we announce with Set Chunk Size and send with
 * @param maxMessageSize    largest RTMP message accepted, in bytes
 * @param maxChunkStreams   chunk streams one connection may use
 * @param handshakeTimeout  time allowed to complete the handshake
 * @param publisherTimeout  a publisher that sends nothing for this long is closed
 * @param ackWindow         Window Acknowledgement Size we announce, in bytes
 * @param peerBandwidth     Set Peer Bandwidth we send (limit type dynamic), in bytes
 * @param maxConnections    connections per worker, 0 for unlimited
 * @param maxConnectionsTotal connections of the whole server (all workers), 0 for unlimited; the
 *                          master splits it into per-worker shares with every heartbeat
 */
public record RtmpSettings(String bind, int port, int chunkSize, int maxMessageSize, int maxChunkStreams,
                           Duration handshakeTimeout, Duration publisherTimeout, int ackWindow,
                           int peerBandwidth, int maxConnections, int maxConnectionsTotal) {

    public RtmpSettings {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(publisherTimeout, "publisherTimeout");
    }

    /** The built-in values, the same as the shipped conf/sluice.yaml. */
    public static RtmpSettings defaults() {
        return new RtmpSettings("0.0.0.0", 1935, 60_000, 16 << 20, 64,
                Duration.ofSeconds(5), Duration.ofSeconds(10), 5_000_000, 5_000_000, 0, 0);
    }
}
