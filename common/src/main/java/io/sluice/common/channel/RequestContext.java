package io.sluice.common.channel;

/** What a {@link RequestHandler} may do besides returning a result. Safe from any thread. */
public interface RequestContext {

    /** The request being handled. */
    Request request();

    /**
     * Sends a notification caused by this request, written right after its response (in the same
     * flush) so that it never overtakes it. Called after the response went out, it is sent at once.
     *
     * @throws IllegalArgumentException if {@code data} cannot be serialized
     */
    void notifyAfterResponse(ChannelEvent event, String targetId, Object data);
}
