package io.sluice.common.channel;

import java.util.OptionalLong;

/**
 * A well-framed channel frame that is not a valid envelope: invalid JSON, or JSON that is none of
 * the three envelope shapes. The frame is dropped; when it was a request with a usable id, the
 * receiver answers it with a {@code BadRequest} error response (see {@link ChannelPeer}).
 */
public final class MalformedEnvelopeException extends RuntimeException {

    private final Long requestId;

    /**
     * @param problem what is wrong, naming the field; never the payload itself
     * @param requestId the id of the request this frame claims to be, or {@code null}
     */
    public MalformedEnvelopeException(String problem, Long requestId) {
        super(problem);
        this.requestId = requestId;
    }

    /** The id of the request this frame claims to be, when it is usable for an error response. */
    public OptionalLong requestId() {
        return requestId == null ? OptionalLong.empty() : OptionalLong.of(requestId);
    }
}
