package io.sluice.worker;

import io.sluice.common.config.ConfigException;
import io.sluice.common.config.ConfigLoader;
import io.sluice.worker.rtmp.session.SessionSettings;

import java.time.Duration;

/** Session settings for tests that exercise timeouts and limits quickly. */
public final class TestSettings {

    private TestSettings() {
    }

    public static SessionSettings with(Duration handshakeTimeout, Duration publisherTimeout, int writeBufferHigh,
                                       Duration slowTimeout) {
        SessionSettings d = SessionSettings.defaults();
        return new SessionSettings(d.chunkSize(), d.ackWindow(), d.peerBandwidth(), handshakeTimeout, publisherTimeout,
                d.maxMessageSize(), d.maxChunkStreams(), writeBufferHigh, writeBufferHigh / 2, slowTimeout,
                d.playWaitTimeout(), d.maxMessageSizeBeforePublish(), d.idleTimeout(), d.incompleteMessageBudget(),
                d.maxConnections(), d.maxConnectionsPerIp());
    }

    /** The settings of a sluice.yaml document (validated as the server would), e.g. "rtmp:\n  idle_timeout: 1s\n". */
    public static SessionSettings yaml(String document) {
        try {
            return SessionSettings.from(ConfigLoader.parse(document, "test.yaml"));
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
