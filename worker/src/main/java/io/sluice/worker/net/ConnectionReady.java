package io.sluice.worker.net;

/**
 * Marks the user event a connection's transport setup fires when it is done and the
 * application's messages follow: for RTMP the handshake's {@code HandshakeCompleted}. A session
 * starts its timers on it without knowing what the setup was.
 */
public interface ConnectionReady {
}
