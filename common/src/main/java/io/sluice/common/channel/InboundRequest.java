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
    public <T> void notifyAfterResponse(Event<T> event, String targetId, T data) {
        if (!peer.protocol().has(event)) {
            throw new IllegalArgumentException("event " + event.wireName() + " is not part of " + peer.protocol());
        }
        Notification notification = new Notification(event.wireName(), targetId, ChannelJson.toTree(data));
        synchronized (this) {
            if (!answered) {
                deferred.add(notification);
                return;
            }
        }
        peer.send(notification);
    }

    /** What a handler is to the request: called once with the context, returns the answer's stage. */
    @FunctionalInterface
    interface Work {
        CompletionStage<?> run(RequestContext context) throws Exception;
    }

    /** Runs the handler; the request is answered when the stage it returns completes. */
    void run(Work work) {
        CompletionStage<?> stage;
        try {
            stage = work.run(this);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            fail(e);
            return;
        }
        if (stage == null) {
            fail(new IllegalStateException("the handler returned no stage"));
            return;
        }
        stage.whenComplete((value, failure) -> {
            if (failure != null) {
                fail(failure);
            } else {
                succeed(value);
            }
        });
    }

    /** Refuses the request with {@code code} before any handler ran (e.g. its data did not fit). */
    void refuse(ErrorCode code, String reason) {
        log.warn("request refused with {} [peer:{}, method:{}, id:{}]: {}", code.wireName(), peer.peerName(),
                request.method(), request.id(), reason);
        answer(Response.error(request.id(), code, reason));
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
            answer(Response.error(request.id(), refusal.code(), refusal.reason()));
            return;
        }
        log.warn("request failed [peer:{}, method:{}, id:{}]", peer.peerName(), request.method(), request.id(), cause);
        // The reason says what went wrong; the code stays one of the closed set, never a class name.
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        answer(Response.error(request.id(), ErrorCode.INTERNAL, reason));
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
