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
 * @param maxMessageSize    largest RTMP message accepted from a publishing connection, in bytes
 * @param maxMessageSizeBeforePublish largest message accepted from a connection that is not
 *                          publishing (commands and metadata only), in bytes
 * @param incompleteMessageBudget bytes one worker holds at most in partly received messages,
 *                          over all its connections
 * @param maxChunkStreams   chunk streams one connection may use
 * @param handshakeTimeout  time allowed to complete the handshake
 * @param publisherTimeout  a publisher that sends nothing for this long is closed
 * @param idleTimeout       a connection that neither publishes nor plays is closed after this
 *                          long; zero for never
 * @param ackWindow         Window Acknowledgement Size we announce, in bytes
 * @param peerBandwidth     Set Peer Bandwidth we send (limit type dynamic), in bytes
 * @param maxConnections    connections per worker, 0 for unlimited
 * @param maxConnectionsTotal connections of the whole server (all workers), 0 for unlimited; the
 *                          master splits it into per-worker shares with every heartbeat
 * @param maxConnectionsPerIp connections per worker from one client address, 0 for unlimited
 */
public record RtmpSettings(String bind, int port, int chunkSize, int maxMessageSize,
                           int maxMessageSizeBeforePublish, int incompleteMessageBudget, int maxChunkStreams,
                           Duration handshakeTimeout, Duration publisherTimeout, Duration idleTimeout,
                           int ackWindow, int peerBandwidth, int maxConnections, int maxConnectionsTotal,
                           int maxConnectionsPerIp) {

    public RtmpSettings {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(publisherTimeout, "publisherTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
    }

    /** The built-in values, the same as the shipped conf/sluice.yaml. */
    public static RtmpSettings defaults() {
        return new RtmpSettings("0.0.0.0", 1935, 60_000, 16 << 20, 64 << 10, 64 << 20, 64,
                Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(60), 5_000_000, 5_000_000, 0, 0, 0);
    }
}
