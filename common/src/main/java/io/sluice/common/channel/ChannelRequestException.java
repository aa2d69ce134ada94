package io.sluice.common.channel;

import java.util.Objects;

/**
 * A refused request. The requesting side gets it when the other side answered
 * {@code "accepted":false}; a request handler throws it to refuse with a chosen code, e.g.
 * {@code throw new ChannelRequestException(ErrorCode.NOT_FOUND, "no stream live/cam1")}.
 */
public final class ChannelRequestException extends ChannelException {

    private final ErrorCode code;
    private final String reason;

    /**
     * @param code   the machine-readable code, one of a closed set
     * @param reason human-readable explanation
     */
    public ChannelRequestException(ErrorCode code, String reason) {
        super(Objects.requireNonNull(code, "code").wireName() + ": " + (reason == null ? "" : reason));
        this.code = code;
        this.reason = reason == null ? "" : reason;
    }

    /** A refusal received on the wire; a code this build does not know is kept in the reason. */
    static ChannelRequestException received(String error, String reason) {
        ErrorCode code = ErrorCode.fromWire(error);
        return new ChannelRequestException(code, code.wireName().equals(error) ? reason : error + ": " + reason);
    }

    public ErrorCode code() {
        return code;
    }

    /** The error code as on the wire. */
    public String error() {
        return code.wireName();
    }

    /** The reason of the response; empty when none was given. */
    public String reason() {
        return reason;
    }
}
