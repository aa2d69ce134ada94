package io.sluice.worker.rtmp;

/**
 * A peer broke the RTMP protocol in a way that leaves the connection unusable: a bad chunk
 * header, a message over the size limit, too many chunk streams, an AMF value that cannot be
 * read, a command sent in the wrong state. The message names the problem; whoever catches it
 * logs one WARN line with the connection id and closes that connection, nothing else.
 */
public final class RtmpProtocolException extends RuntimeException {

    public RtmpProtocolException(String message) {
        super(message);
    }

    public RtmpProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
