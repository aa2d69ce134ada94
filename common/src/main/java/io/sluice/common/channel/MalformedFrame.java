package io.sluice.common.channel;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * What {@link ChannelFrameDecoder} passes on, instead of an {@link Envelope}, for a well-framed
 * frame that is not a valid envelope. {@link ChannelPeer} logs it and, when {@code requestId} is
 * present, answers it with a {@code BadRequest} error response.
 *
 * @param problem what is wrong with the frame; never its payload
 * @param requestId the id of the request the frame claims to be, when usable
 */
public record MalformedFrame(String problem, OptionalLong requestId) {

    public MalformedFrame {
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(requestId, "requestId");
    }
}
