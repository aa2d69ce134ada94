package io.sluice.worker;

import io.sluice.worker.rtmp.session.SessionSettings;

import java.time.Duration;

/** Session settings for tests that exercise timeouts and slow-player limits quickly. */
public final class TestSettings {

    private TestSettings() {
    }

    public static SessionSettings with(Duration handshakeTimeout, Duration publisherTimeout, int writeBufferHigh,
                                       Duration slowTimeout) {
        SessionSettings d = SessionSettings.defaults();
        return new SessionSettings(d.chunkSize(), d.ackWindow(), d.peerBandwidth(), handshakeTimeout, publisherTimeout,
                d.maxMessageSize(), d.maxChunkStreams(), writeBufferHigh, writeBufferHigh / 2, slowTimeout,
                d.playWaitTimeout());
    }
}
