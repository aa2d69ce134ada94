package io.sluice.common.channel;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * One request received by a {@link ChannelPeer}, from dispatch until its response is written:
 * the {@link RequestContext} its handler sees, the notifications to send after the response,
 * and the guarantee that it is answered exactly once. Turning a handler failure into an error
 * response happens here and nowhere else.
 */
final class InboundRequest implements RequestContext {

    private static final Logger log = LoggerFactory.getLogger(ChannelPeer.class);

    private final ChannelPeer peer;
    private final Request request;
    /** Guarded by {@code this}; handlers may call {@link #notifyAfterResponse} from any thread. */
    private final List<Notification> deferred = new ArrayList<>();
    /** Guarded by {@code this}; set on the event loop when the response is written. */
    private boolean answered;

    InboundRequest(ChannelPeer peer, Request request) {
        this.peer = peer;
        this.request = request;
    }

    @Override
    public Request request() {
        return request;
    }

    @Override
    public void notifyAfterResponse(ChannelEvent event, String targetId, Object data) {
        Notification notification = new Notification(event.wireName(), targetId, ChannelJson.toTree(data));
        synchronized (this) {
            if (!answered) {
                deferred.add(notification);
                return;
            }
        }
        peer.send(notification);
    }

    /** Runs the handler; a returned {@link CompletionStage} is answered when it completes. */
    void run(RequestHandler handler) {
        Object result;
        try {
            result = handler.handle(request, this);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            fail(e);
            return;
        }
        if (result instanceof CompletionStage<?> stage) {
            stage.whenComplete((value, failure) -> {
                if (failure != null) {
                    fail(failure);
                } else {
                    succeed(value);
                }
            });
        } else {
            succeed(result);
        }
    }

    /** The handler returned (or its stage completed with) {@code value}. */
    void succeed(Object value) {
        JsonNode data;
        try {
            data = ChannelJson.toTree(value);
        } catch (IllegalArgumentException e) {
            fail(e);
            return;
        }
        answer(Response.ok(request.id(), data));
    }

    /** The handler threw, or its stage completed exceptionally: the one place this becomes a response. */
    void fail(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof ChannelRequestException refusal) {
            // A deliberate refusal (NotFound, BadName...) is an answer, not a fault of this process.
            log.debug("request refused [peer:{}, method:{}, id:{}]: {}", peer.peerName(), request.method(),
                    request.id(), refusal.getMessage());
            answer(Response.error(request.id(), refusal.error(), refusal.reason()));
            return;
        }
        log.warn("request failed [peer:{}, method:{}, id:{}]", peer.peerName(), request.method(), request.id(), cause);
        String reason = cause.getMessage() == null ? "" : cause.getMessage();
        answer(Response.error(request.id(), cause.getClass().getSimpleName(), reason));
    }

    /** Writes {@code response} and the deferred notifications on the event loop, once. */
    void answer(Response response) {
        peer.runOnLoop(() -> {
            List<Notification> after;
            synchronized (this) {
                if (answered) {
                    log.debug("second answer ignored [peer:{}, method:{}, id:{}]", peer.peerName(),
                            request.method(), request.id());
                    return;
                }
                answered = true;
                after = List.copyOf(deferred);
                deferred.clear();
            }
            peer.writeResponse(response, after);
        }, () -> log.debug("response dropped, channel closed [peer:{}, method:{}, id:{}]", peer.peerName(),
                request.method(), request.id()));
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
