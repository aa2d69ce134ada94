package io.sluice.common.channel;

/**
 * Answers one method's requests at once, registered with {@link ChannelPeer#onRequest}. Called on
 * the channel's event loop: it must not block; slow work uses an {@link AsyncRequestHandler}.
 *
 * @param <Q> the request data ({@code null} when the method has none)
 * @param <R> the response data ({@code null} for none)
 */
@FunctionalInterface
public interface RequestHandler<Q, R> {

    /**
     * @throws Exception to refuse: a {@link ChannelRequestException} with its code; anything
     *     else becomes {@link ErrorCode#INTERNAL} with the exception's message as reason
     */
    R handle(Q data, RequestContext context) throws Exception;
}
