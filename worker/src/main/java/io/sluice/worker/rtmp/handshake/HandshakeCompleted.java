package io.sluice.worker.rtmp.handshake;

import io.sluice.worker.net.ConnectionReady;

/**
 * User event fired by {@link HandshakeHandler} and {@link ClientHandshakeHandler} once the handshake is
 * over and the handler has left the pipeline. Bytes that followed the handshake reach the next handler
 * after this event.
 *
 * @param digest whether the digest ("complex") handshake was used: the peer's digest validated, so
 *               players that check the server (ffmpeg, Flash) accept the connection
 */
public record HandshakeCompleted(boolean digest) implements ConnectionReady {
}
