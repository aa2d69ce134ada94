package io.sluice.common.channel;

import java.util.Objects;

/**
 * A refused request. The requesting side gets it when the other side answered
 * {@code "accepted":false}; a request handler throws it to refuse with a chosen code, e.g.
 * {@code throw new ChannelRequestException("NotFound", "no stream live/cam1")}, instead of the
 * exception's class name.
 */
public final class ChannelRequestException extends ChannelException {

    private final String error;
    private final String reason;

    /**
     * @param error short machine-readable code, e.g. {@code NotFound}
     * @param reason human-readable explanation
     */
    public ChannelRequestException(String error, String reason) {
        super(Objects.requireNonNull(error, "error") + ": " + (reason == null ? "" : reason));
        if (error.isEmpty()) {
            throw new IllegalArgumentException("error code must not be empty");
        }
        this.error = error;
        this.reason = reason == null ? "" : reason;
    }

    /** The error code of the response. */
    public String error() {
        return error;
    }

    /** The reason of the response; empty when none was given. */
    public String reason() {
        return reason;
    }
}
