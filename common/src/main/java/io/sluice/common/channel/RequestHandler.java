package io.sluice.common.channel;

/**
 * Answers one method's requests, registered with {@link ChannelPeer#onRequest}. Called on the
 * channel's event loop: it must not block; slow work returns a {@link java.util.concurrent.CompletionStage}.
 */
@FunctionalInterface
public interface RequestHandler {

    /**
     * Handles a request.
     *
     * @return the response data, synchronously (a record, POJO, {@code JsonNode} or {@code null}),
     *     or a {@link java.util.concurrent.CompletionStage} completing with it
     * @throws Exception to refuse: the response is {@code "accepted":false} with the exception's
     *     simple class name as {@code error} (or the code of a {@link ChannelRequestException})
     *     and its message as {@code reason}; a stage completing exceptionally does the same
     */
    Object handle(Request request, RequestContext context) throws Exception;
}
