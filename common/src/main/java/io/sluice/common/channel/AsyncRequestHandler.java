package io.sluice.common.channel;

import java.util.concurrent.CompletionStage;

/**
 * Answers one method's requests when a stage completes, registered with
 * {@link ChannelPeer#onRequestAsync}: for work that runs elsewhere (the master loop, another
 * request). Called on the channel's event loop; it must not block.
 *
 * @param <Q> the request data ({@code null} when the method has none)
 * @param <R> the response data
 */
@FunctionalInterface
public interface AsyncRequestHandler<Q, R> {

    /**
     * @return completes with the response data, or exceptionally to refuse (as a
     *     {@link RequestHandler} that throws)
     */
    CompletionStage<? extends R> handle(Q data, RequestContext context) throws Exception;
}
