package io.sluice.common.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The requests a {@link ChannelPeer} sent and not yet seen answered: id allocation, correlation
 * of responses, timeouts, and failing everything when the channel closes.
 *
 * <p>Confined to the channel's event loop: every method runs there, so there is no locking. The
 * futures are completed on the event loop too, so their non-async dependents run before the next
 * inbound frame is processed (a notification never overtakes the response before it).
 */
final class PendingRequests {

    private static final Logger log = LoggerFactory.getLogger(PendingRequests.class);

    private record Pending(Method<?, ?> method, CompletableFuture<JsonNode> result, ScheduledFuture<?> timer) {
    }

    private final String peerName;
    private final Map<Long, Pending> byId = new HashMap<>();
    private long lastId;

    PendingRequests(String peerName) {
        this.peerName = peerName;
    }

    /** The next request id: increasing per peer, starting at 1. */
    long nextId() {
        return ++lastId;
    }

    int size() {
        return byId.size();
    }

    /** Tracks a sent request and arms its timeout on {@code executor}. */
    void add(long id, Method<?, ?> method, Duration timeout, CompletableFuture<JsonNode> result,
            EventExecutor executor) {
        ScheduledFuture<?> timer = executor.schedule(() -> timedOut(id, timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
        byId.put(id, new Pending(method, result, timer));
    }

    private void timedOut(long id, Duration timeout) {
        Pending pending = byId.remove(id);
        if (pending != null) {
            pending.result().completeExceptionally(new ChannelTimeoutException(peerName, pending.method(), id, timeout));
        }
    }

    /** Completes the request a response answers; a response nobody waits for is dropped. */
    void complete(Response response) {
        Pending pending = byId.remove(response.id());
        if (pending == null) {
            log.debug("response dropped: no pending request with this id (timed out, duplicate or unknown) "
                    + "[peer:{}, id:{}]", peerName, response.id());
            return;
        }
        pending.timer().cancel(false);
        if (response.accepted()) {
            pending.result().complete(response.data() == null ? NullNode.getInstance() : response.data());
        } else {
            pending.result().completeExceptionally(ChannelRequestException.received(response.error(), response.reason()));
        }
    }

    /** Fails one request, e.g. because it could not be written. */
    void fail(long id, Throwable cause) {
        Pending pending = byId.remove(id);
        if (pending != null) {
            pending.timer().cancel(false);
            pending.result().completeExceptionally(cause);
        }
    }

    /** Fails every pending request with {@link ChannelClosedException}, all at once. */
    void failAllClosed() {
        if (byId.isEmpty()) {
            return;
        }
        List<Map.Entry<Long, Pending>> all = new ArrayList<>(byId.entrySet());
        byId.clear();
        log.debug("channel closed, failing pending requests [peer:{}, count:{}]", peerName, all.size());
        for (Map.Entry<Long, Pending> entry : all) {
            Pending pending = entry.getValue();
            pending.timer().cancel(false);
            pending.result().completeExceptionally(
                    ChannelClosedException.pending(peerName, pending.method(), entry.getKey()));
        }
    }
}
