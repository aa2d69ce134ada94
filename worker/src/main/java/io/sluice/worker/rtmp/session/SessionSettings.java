package io.sluice.worker.rtmp.session;

import io.sluice.common.config.PlayerSettings;
import io.sluice.common.config.RtmpSettings;
import io.sluice.common.config.SluiceConfig;

import java.time.Duration;

/**
 * The settings an RTMP session reads, taken from the configuration when the connection opens
 * (a reload applies to new sessions from then on), and the worker-wide connection limits that
 * travel with them (applied by the server at once on a reload).
 *
 * @param chunkSize        chunk size we announce and send with
 * @param ackWindow        Window Acknowledgement Size we announce
 * @param peerBandwidth    Set Peer Bandwidth we send
 * @param handshakeTimeout a connection that has not completed the handshake by then is closed
 * @param publisherTimeout a publisher that sends nothing for this long is closed
 * @param maxMessageSize   largest message accepted from a publishing peer
 * @param maxChunkStreams  most chunk streams a peer may use
 * @param writeBufferHigh  a player with more queued bytes is slow (Netty high watermark)
 * @param writeBufferLow   ... and stops being slow under this (low watermark)
 * @param slowTimeout      a player slow for this long without a break is disconnected
 * @param playWaitTimeout  how long play waits for a stream nobody publishes; zero = forever
 * @param maxMessageSizeBeforePublish largest message accepted from a peer that is not publishing
 * @param idleTimeout      a connection that neither publishes nor plays this long is closed; zero = never
 * @param incompleteMessageBudget bytes the worker holds at most in partly received messages
 * @param maxConnections   connections the worker admits at most; zero = no limit
 * @param maxConnectionsPerIp connections the worker admits at most from one address; zero = no limit
 */
public record SessionSettings(int chunkSize, long ackWindow, long peerBandwidth, Duration handshakeTimeout,
                              Duration publisherTimeout, int maxMessageSize, int maxChunkStreams,
                              int writeBufferHigh, int writeBufferLow, Duration slowTimeout,
                              Duration playWaitTimeout, int maxMessageSizeBeforePublish, Duration idleTimeout,
                              long incompleteMessageBudget, int maxConnections, int maxConnectionsPerIp) {

    public SessionSettings {
        if (chunkSize < 128 || chunkSize > 0xFF_FFFF) {
            throw new IllegalArgumentException("chunkSize must be 128..16777215: " + chunkSize);
        }
        if (writeBufferLow >= writeBufferHigh) {
            throw new IllegalArgumentException("writeBufferLow must be below writeBufferHigh");
        }
        if (maxMessageSizeBeforePublish > maxMessageSize) {
            throw new IllegalArgumentException("maxMessageSizeBeforePublish must not exceed maxMessageSize");
        }
    }

    /** The session part of a configuration. */
    public static SessionSettings from(SluiceConfig config) {
        RtmpSettings r = config.rtmp();
        PlayerSettings p = config.players();
        return new SessionSettings(r.chunkSize(), r.ackWindow(), r.peerBandwidth(), r.handshakeTimeout(),
                r.publisherTimeout(), r.maxMessageSize(), r.maxChunkStreams(), p.writeBufferHigh(),
                p.writeBufferLow(), p.slowTimeout(), p.playWaitTimeout(), r.maxMessageSizeBeforePublish(),
                r.idleTimeout(), r.incompleteMessageBudget(), r.maxConnections(), r.maxConnectionsPerIp());
    }

    /** The embedded defaults, the same as conf/sluice.yaml's. */
    public static SessionSettings defaults() {
        return from(SluiceConfig.defaults());
    }
}
