package io.sluice.common.channel;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static io.sluice.common.channel.ChannelTestSupport.channel;
import static io.sluice.common.channel.ChannelTestSupport.pump;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A master peer and a worker peer wired through two embedded channels, talking both ways. */
class ChannelPeerPairTest {

    record Claim(String stream, int workerId) {
    }

    record Located(int workerId, String relay) {
    }

    private final ChannelPeer master = new ChannelPeer("master", Duration.ofSeconds(10));
    private final ChannelPeer worker = new ChannelPeer("worker-2", Duration.ofSeconds(10));

    @Test
    void requestsFlowBothWays() {
        master.onRequest(ChannelMethod.STREAM_LOCATE, (request, ctx) -> {
            if (!request.handlerId().equals("live/a")) {
                throw new ChannelRequestException("NotFound", "no stream " + request.handlerId());
            }
            return new Located(1, "/run/worker-1.sock");
        });
        worker.onRequest(ChannelMethod.WORKER_PING, (request, ctx) -> ChannelJson.parse("{\"connections\":4}"));
        EmbeddedChannel m = channel(master);
        EmbeddedChannel w = channel(worker);

        CompletableFuture<JsonNode> located = worker.request(ChannelMethod.STREAM_LOCATE, "live/a", null);
        CompletableFuture<JsonNode> missing = worker.request(ChannelMethod.STREAM_LOCATE, "live/zz", null);
        CompletableFuture<JsonNode> pong = master.request(ChannelMethod.WORKER_PING, null, null);
        pump(m, w);

        assertEquals(new Located(1, "/run/worker-1.sock"), ChannelJson.convert(located.join(), Located.class));
        CompletionException e = assertThrows(CompletionException.class, missing::join);
        ChannelRequestException refused = assertInstanceOf(ChannelRequestException.class, e.getCause());
        assertEquals("NotFound", refused.error());
        assertEquals("no stream live/zz", refused.reason());
        assertEquals(4, pong.join().get("connections").asInt());

        assertFalse(m.finish());
        assertFalse(w.finish());
    }

    @Test
    void responseIsSeenBeforeTheNotificationItCaused() {
        CompletableFuture<Object> claimResult = new CompletableFuture<>();
        master.onRequest(ChannelMethod.STREAM_CLAIM, (request, ctx) -> {
            Claim claim = ChannelJson.convert(request.data(), Claim.class);
            ctx.notifyAfterResponse(ChannelEvent.STREAM_PUBLISHED, claim.stream(), claim);
            return claimResult; // answered later, as if the directory were asynchronous
        });
        List<String> order = new ArrayList<>();
        worker.onNotification(ChannelEvent.STREAM_PUBLISHED, n -> order.add("notification " + n.targetId()));
        EmbeddedChannel m = channel(master);
        EmbeddedChannel w = channel(worker);

        worker.request(ChannelMethod.STREAM_CLAIM, null, new Claim("live/a", 2))
                .thenAccept(data -> order.add("response " + data.get("granted").asBoolean()));
        pump(m, w);
        assertTrue(order.isEmpty(), "nothing before the master answers: " + order);

        claimResult.complete(ChannelJson.parse("{\"granted\":true}"));
        pump(m, w);
        assertEquals(List.of("response true", "notification live/a"), order);

        assertFalse(m.finish());
        assertFalse(w.finish());
    }

    @Test
    void nestedRequestFromAHandlerCompletesOnTheOtherSide() {
        // worker.identify handler on the master asks the worker back (dump) before answering.
        worker.onRequest(ChannelMethod.WORKER_DUMP, (request, ctx) -> ChannelJson.parse("{\"streams\":0}"));
        master.onRequest(ChannelMethod.WORKER_IDENTIFY, (request, ctx) ->
                master.request(ChannelMethod.WORKER_DUMP, null, null)
                        .thenApply(dump -> ChannelJson.parse("{\"welcome\":" + request.data().get("id") + ",\"streams\":"
                                + dump.get("streams") + "}")));
        EmbeddedChannel m = channel(master);
        EmbeddedChannel w = channel(worker);

        CompletableFuture<JsonNode> identified = worker.request(ChannelMethod.WORKER_IDENTIFY, null, ChannelJson.parse("{\"id\":2}"));
        pump(m, w);
        assertEquals("{\"welcome\":2,\"streams\":0}", ChannelJson.write(identified.join()));

        assertFalse(m.finish());
        assertFalse(w.finish());
    }
}
