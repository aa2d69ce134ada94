package io.sluice.worker.rtmp.client;

/** The server refused a command: an {@code _error} reply or an error-level onStatus. */
public final class RtmpStatusException extends RuntimeException {

    private final String code;

    public RtmpStatusException(String code, String description) {
        super(code + (description == null ? "" : ": " + description));
        this.code = code;
    }

    /** The status code, e.g. NetStream.Publish.BadName; null when the server gave none. */
    public String code() {
        return code;
    }
}
