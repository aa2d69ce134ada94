package io.sluice.common.channel;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.TooLongFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;

/**
 * One end of a control channel connection, after {@link ChannelFrameDecoder} and
 * {@link ChannelFrameEncoder} in the pipeline. Either end sends requests, answers the other's,
 * and sends and receives notifications (mediasoup's Channel, both ways).
 *
 * <ul>
 *   <li><b>Typed.</b> A peer speaks one {@link Protocol}: its {@link Method}s and {@link Event}s
 *       name their data types, and the JSON is turned into them here, in one place. Request data
 *       that does not fit its method's type is refused with {@link ErrorCode#BAD_REQUEST} before
 *       any handler runs; an event whose data does not fit is dropped with one WARN line.</li>
 *   <li><b>Answering.</b> Every request received is answered exactly once. A method of another
 *       protocol or this build does not know, or one without a registered handler, is refused
 *       with {@link ErrorCode#UNKNOWN_METHOD} naming the method. A handler that throws a
 *       {@link ChannelRequestException}, or whose stage completes with one, is refused with its
 *       code (logged at DEBUG: a deliberate answer); any other exception is refused with
 *       {@link ErrorCode#INTERNAL} and its message as reason, logged once at WARN.</li>
 *   <li><b>Requesting.</b> Ids increase per peer from 1. A request without a response within its
 *       timeout fails with {@link ChannelTimeoutException}; a later response is dropped (DEBUG),
 *       as is one with a duplicate or unknown id. When the channel closes, every pending request
 *       fails at once with {@link ChannelClosedException}.</li>
 *   <li><b>Ordering.</b> Notifications a handler sends through
 *       {@link RequestContext#notifyAfterResponse} are written right after the response, in the
 *       same flush. On receipt, a response future is completed on the event loop before the next
 *       frame is read, so its non-async dependents run before the listeners of a notification
 *       that followed it. Listeners and handlers run on the channel's event loop: they must not
 *       block (in particular, never {@code join()} a request future there).</li>
 *   <li><b>Malformed input</b> follows the policy in {@link ChannelFrameDecoder}: a frame over the
 *       limit closes the channel; a bad frame is dropped with one WARN line and, if it was a
 *       request with a usable id, answered with {@code BadRequest}.</li>
 *   <li><b>Threads.</b> {@link #request}, {@link #notify(Event, String, Object)} and {@link #close} may be called from
 *       any thread; the writes hop to the event loop. Register handlers and listeners before the
 *       peer is added to a pipeline.</li>
 * </ul>
 */
public final class ChannelPeer extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(ChannelPeer.class);

    private final String peerName;
    private final Protocol protocol;
    private final Duration defaultTimeout;
    private final Map<String, Handler<?, ?>> handlers = new ConcurrentHashMap<>();
    private final Map<String, List<Listener<?>>> listeners = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private final PendingRequests pending;
    private volatile ChannelHandlerContext ctx;
    private volatile boolean closed;

    /**
     * @param peerName       how log lines and exceptions name the other end, e.g. {@code master}
     *                       or {@code worker-3}
     * @param protocol       the methods and events this connection speaks
     * @param defaultTimeout how long a request waits for its response unless told otherwise
     */
    public ChannelPeer(String peerName, Protocol protocol, Duration defaultTimeout) {
        this.peerName = Objects.requireNonNull(peerName, "peerName");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.defaultTimeout = requirePositive(defaultTimeout);
        this.pending = new PendingRequests(peerName);
    }

    public String peerName() {
        return peerName;
    }

    public Protocol protocol() {
        return protocol;
    }

    /** Registers the handler of {@code method}, answered as soon as it returns; one per method. */
    public <Q, R> void onRequest(Method<Q, R> method, RequestHandler<Q, R> handler) {
        Objects.requireNonNull(handler, "handler");
        register(method, (data, context) -> CompletableFuture.completedFuture(handler.handle(data, context)));
    }

    /** Registers the handler of {@code method}, answered when its stage completes; one per method. */
    public <Q, R> void onRequestAsync(Method<Q, R> method, AsyncRequestHandler<Q, R> handler) {
        register(method, Objects.requireNonNull(handler, "handler"));
    }

    private <Q, R> void register(Method<Q, R> method, AsyncRequestHandler<Q, R> handler) {
        requireOwn(method);
        if (handlers.putIfAbsent(method.wireName(), new Handler<>(method, handler)) != null) {
            throw new IllegalStateException("a handler for " + method.wireName() + " is already registered on " + peerName);
        }
    }

    /** Adds a listener for {@code event}; listeners run on the event loop in registration order. */
    public <T> void onNotification(Event<T> event, NotificationListener<? super T> listener) {
        Objects.requireNonNull(listener, "listener");
        requireOwn(event);
        listeners.computeIfAbsent(event.wireName(), e -> new CopyOnWriteArrayList<>()).add(new Listener<>(event, listener));
    }

    /** Sends a request with the default timeout; see {@link #request(Method, String, Object, Duration)}. */
    public <Q, R> CompletableFuture<R> request(Method<Q, R> method, Q data) {
        return request(method, null, data, defaultTimeout);
    }

    /** Sends a request; see {@link #request(Method, String, Object, Duration)}. */
    public <Q, R> CompletableFuture<R> request(Method<Q, R> method, Q data, Duration timeout) {
        return request(method, null, data, timeout);
    }

    /**
     * Sends a request.
     *
     * @param handlerId the entity the request is about, or {@code null}
     * @param data      the request data ({@code null} for none), serialized with the shared mapper
     * @return completes on the event loop with the response's data read as the method's response
     *     type ({@code null} when it has none), or fails with a {@link ChannelException},
     *     {@link IllegalArgumentException} (data not serializable, or a response that does not fit
     *     the type), {@link TooLongFrameException} (request over the frame limit), or
     *     {@link IllegalStateException} (peer not in a pipeline yet)
     * @throws IllegalArgumentException if {@code method} is not one of this peer's protocol
     */
    public <Q, R> CompletableFuture<R> request(Method<Q, R> method, String handlerId, Q data, Duration timeout) {
        requireOwn(method);
        requirePositive(timeout);
        CompletableFuture<JsonNode> raw = new CompletableFuture<>();
        JsonNode payload;
        try {
            payload = ChannelJson.toTree(data);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (ctx == null) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("channel peer " + peerName + " is not in a pipeline yet"));
        }
        runOnLoop(() -> sendRequest(method, handlerId, payload, timeout, raw),
                () -> raw.completeExceptionally(ChannelClosedException.notSent(peerName, method)));
        // Not async: the typed result is completed on the event loop, before the next frame is read.
        return raw.thenApply(method::readResponse);
    }

    private void sendRequest(Method<?, ?> method, String handlerId, JsonNode data, Duration timeout,
            CompletableFuture<JsonNode> result) {
        if (closed) {
            result.completeExceptionally(ChannelClosedException.notSent(peerName, method));
            return;
        }
        long id = pending.nextId();
        pending.add(id, method, timeout, result, ctx.executor());
        log.debug("channel request sent [peer:{}, method:{}, id:{}]", peerName, method.wireName(), id);
        ctx.writeAndFlush(new Request(id, method.wireName(), handlerId, data)).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                pending.fail(id, writeFailure(f.cause(), method));
            }
        });
    }

    /**
     * Sends a notification; dropped (DEBUG) when the channel is closed.
     *
     * @throws IllegalArgumentException if {@code data} cannot be serialized, or {@code event} is
     *     not one of this peer's protocol
     */
    public <T> void notify(Event<T> event, String targetId, T data) {
        requireOwn(event);
        send(new Notification(event.wireName(), targetId, ChannelJson.toTree(data)));
    }

    void send(Notification notification) {
        runOnLoop(() -> {
            if (closed) {
                log.debug("notification dropped, channel closed [peer:{}, event:{}]", peerName, notification.event());
                return;
            }
            ctx.writeAndFlush(notification).addListener(logWriteFailure(notification.event()));
        }, () -> log.debug("notification dropped, channel closed [peer:{}, event:{}]", peerName, notification.event()));
    }

    /** Completes once the channel is closed and every pending request has failed. */
    public CompletableFuture<Void> closeFuture() {
        return closeFuture.copy();
    }

    /** Closes the channel; returns {@link #closeFuture()}. */
    public CompletableFuture<Void> close() {
        ChannelHandlerContext context = ctx;
        if (context != null) {
            context.close();
        }
        return closeFuture();
    }

    public boolean isOpen() {
        return ctx != null && !closed;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        markClosed();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        markClosed();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Request request) {
            dispatch(request);
        } else if (msg instanceof Response response) {
            pending.complete(response);
        } else if (msg instanceof Notification notification) {
            deliver(notification);
        } else if (msg instanceof MalformedFrame malformed) {
            rejected(malformed);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            // The other process went away (reset, broken pipe): its supervisor reports that, not us.
            log.info("channel connection lost, closing [peer:{}, channel:{}]: {}", peerName, ctx.channel(), cause.toString());
        } else {
            log.warn("channel error, closing [peer:{}, channel:{}]", peerName, ctx.channel(), cause);
        }
        ctx.close();
    }

    private void dispatch(Request request) {
        log.debug("channel request [peer:{}, method:{}, id:{}]", peerName, request.method(), request.id());
        InboundRequest inbound = new InboundRequest(this, request);
        Handler<?, ?> handler = handlers.get(request.method());
        if (handler == null) {
            String reason = (protocol.method(request.method()).isPresent() ? "no handler for method '"
                    : "unknown method '") + request.method() + "' on " + peerName + " (" + protocol + ")";
            log.warn("request refused, {} [peer:{}, id:{}]", reason, peerName, request.id());
            inbound.answer(Response.error(request.id(), ErrorCode.UNKNOWN_METHOD, reason));
            return;
        }
        handler.run(request, inbound);
    }

    /** Called on the event loop by {@link InboundRequest#answer}: response, notifications, one flush. */
    void writeResponse(Response response, List<Notification> after) {
        if (closed) {
            log.debug("response dropped, channel closed [peer:{}, id:{}]", peerName, response.id());
            return;
        }
        ChannelFuture written = ctx.write(response);
        // The encoder runs inside write() on the event loop, so an oversized result has already failed here;
        // answer with an error instead, still before the notifications.
        if (written.isDone() && !written.isSuccess() && tooLong(written.cause())) {
            log.warn("response too large, answering with an error [peer:{}, id:{}]: {}", peerName, response.id(),
                    written.cause().getCause().getMessage());
            ctx.write(Response.error(response.id(), ErrorCode.RESPONSE_TOO_LARGE, written.cause().getCause().getMessage()))
                    .addListener(logWriteFailure("response"));
        } else {
            written.addListener(logWriteFailure("response"));
        }
        for (Notification notification : after) {
            ctx.write(notification).addListener(logWriteFailure(notification.event()));
        }
        ctx.flush();
    }

    private void deliver(Notification notification) {
        List<Listener<?>> registered = listeners.getOrDefault(notification.event(), List.of());
        if (registered.isEmpty()) {
            log.debug("notification dropped, no listener [peer:{}, event:{}]", peerName, notification.event());
            return;
        }
        for (Listener<?> listener : registered) {
            try {
                listener.deliver(notification);
            } catch (IllegalArgumentException e) {
                log.warn("notification dropped, its data does not fit [peer:{}, event:{}]: {}", peerName,
                        notification.event(), e.getMessage());
                return; // the same for every listener of the event
            } catch (RuntimeException e) {
                log.warn("notification listener failed [peer:{}, event:{}]", peerName, notification.event(), e);
            }
        }
    }

    private void rejected(MalformedFrame malformed) {
        if (malformed.requestId().isEmpty()) {
            log.warn("malformed channel frame dropped [peer:{}]: {}", peerName, malformed.problem());
            return;
        }
        long id = malformed.requestId().getAsLong();
        log.warn("malformed channel request refused with BadRequest [peer:{}, id:{}]: {}", peerName, id, malformed.problem());
        ctx.writeAndFlush(Response.error(id, ErrorCode.BAD_REQUEST, malformed.problem())).addListener(logWriteFailure("response"));
    }

    /** Runs {@code task} on the event loop (now, if already there); {@code whenClosed} if the loop is gone. */
    void runOnLoop(Runnable task, Runnable whenClosed) {
        ChannelHandlerContext context = ctx;
        if (context == null) {
            whenClosed.run();
        } else if (context.executor().inEventLoop()) {
            task.run();
        } else {
            try {
                context.executor().execute(task);
            } catch (RejectedExecutionException e) {
                whenClosed.run();
            }
        }
    }

    private void markClosed() {
        if (closed) {
            return;
        }
        closed = true;
        pending.failAllClosed();
        closeFuture.complete(null);
    }

    private Throwable writeFailure(Throwable cause, Method<?, ?> method) {
        if (tooLong(cause)) {
            return cause.getCause();
        }
        if (cause instanceof ClosedChannelException) {
            return ChannelClosedException.notSent(peerName, method);
        }
        return cause;
    }

    private static boolean tooLong(Throwable cause) {
        return cause instanceof EncoderException && cause.getCause() instanceof TooLongFrameException;
    }

    private ChannelFutureListener logWriteFailure(String what) {
        return f -> {
            if (!f.isSuccess()) {
                log.debug("write failed [peer:{}, message:{}]: {}", peerName, what, f.cause().toString());
            }
        };
    }

    private void requireOwn(Method<?, ?> method) {
        if (!protocol.has(Objects.requireNonNull(method, "method"))) {
            throw new IllegalArgumentException("method " + method.wireName() + " is not part of " + protocol);
        }
    }

    private void requireOwn(Event<?> event) {
        if (!protocol.has(Objects.requireNonNull(event, "event"))) {
            throw new IllegalArgumentException("event " + event.wireName() + " is not part of " + protocol);
        }
    }

    /** A method with its handler: reads the request data as the method's type, then runs it. */
    private record Handler<Q, R>(Method<Q, R> method, AsyncRequestHandler<Q, R> handler) {
        void run(Request request, InboundRequest inbound) {
            Q data;
            try {
                data = method.readRequest(request.data());
            } catch (IllegalArgumentException e) {
                inbound.refuse(ErrorCode.BAD_REQUEST, e.getMessage());
                return;
            }
            inbound.run(context -> handler.handle(data, context));
        }
    }

    /** An event with a listener: reads the data as the event's type, then delivers it. */
    private record Listener<T>(Event<T> event, NotificationListener<? super T> listener) {
        void deliver(Notification notification) {
            listener.onNotification(event.read(notification.data()), notification.targetId());
        }
    }

    private static Duration requirePositive(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return timeout;
    }
}
