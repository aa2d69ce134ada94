package io.sluice.common.channel;

/** What a request handler may do besides returning a result. Safe from any thread. */
public interface RequestContext {

    /** The request being handled, as it arrived. */
    Request request();

    /**
     * Sends a notification caused by this request, written right after its response (in the same
     * flush) so that it never overtakes it. Called after the response went out, it is sent at once.
     *
     * @throws IllegalArgumentException if {@code data} cannot be serialized
     */
    <T> void notifyAfterResponse(Event<T> event, String targetId, T data);
}
