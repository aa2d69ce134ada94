package io.sluice.worker.rtmp.handshake;

import io.netty.handler.codec.DecoderException;

/**
 * A peer broke the RTMP handshake: unsupported version byte, encrypted RTMPE, or a timeout. The message
 * names the problem; the handlers turn it into one WARN line and close the connection.
 */
public final class HandshakeException extends DecoderException {

    private static final long serialVersionUID = 1L;

    public HandshakeException(String message) {
        super(message);
    }
}
