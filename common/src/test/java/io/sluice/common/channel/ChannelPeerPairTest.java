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

    /** Typed methods, as the production protocols have: records on both ends, JSON in between. */
    static final Method<Void, Located> LOCATE = Method.of("stream.locate", Void.class, Located.class);
    static final Method<Claim, Granted> CLAIM = Method.of("stream.claim", Claim.class, Granted.class);
    static final Event<Claim> PUBLISHED = Event.of("stream.published", Claim.class);
    static final Protocol PROTOCOL = Protocol.of("pair test",
            List.of(LOCATE, CLAIM, TestProtocol.PING, TestProtocol.DUMP, TestProtocol.IDENTIFY), List.of(PUBLISHED));

    record Granted(boolean granted) {
    }

    private final ChannelPeer master = new ChannelPeer("master", PROTOCOL, Duration.ofSeconds(10));
    private final ChannelPeer worker = new ChannelPeer("worker-2", PROTOCOL, Duration.ofSeconds(10));

    @Test
    void requestsFlowBothWays() {
        master.onRequest(LOCATE, (none, ctx) -> {
            if (!ctx.request().handlerId().equals("live/a")) {
                throw new ChannelRequestException(ErrorCode.NOT_FOUND, "no stream " + ctx.request().handlerId());
            }
            return new Located(1, "/run/worker-1.sock");
        });
        worker.onRequest(TestProtocol.PING, (request, ctx) -> ChannelJson.parse("{\"connections\":4}"));
        EmbeddedChannel m = channel(master);
        EmbeddedChannel w = channel(worker);

        CompletableFuture<Located> located = worker.request(LOCATE, "live/a", null, Duration.ofSeconds(10));
        CompletableFuture<Located> missing = worker.request(LOCATE, "live/zz", null, Duration.ofSeconds(10));
        CompletableFuture<JsonNode> pong = master.request(TestProtocol.PING, null);
        pump(m, w);

        assertEquals(new Located(1, "/run/worker-1.sock"), located.join());
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
        CompletableFuture<Granted> claimResult = new CompletableFuture<>();
        master.onRequestAsync(CLAIM, (claim, ctx) -> {
            ctx.notifyAfterResponse(PUBLISHED, claim.stream(), claim);
            return claimResult; // answered later, as if the directory were asynchronous
        });
        List<String> order = new ArrayList<>();
        worker.onNotification(PUBLISHED, (claim, target) -> order.add("notification " + target + " by " + claim.workerId()));
        EmbeddedChannel m = channel(master);
        EmbeddedChannel w = channel(worker);

        worker.request(CLAIM, new Claim("live/a", 2))
                .thenAccept(reply -> order.add("response " + reply.granted()));
        pump(m, w);
        assertTrue(order.isEmpty(), "nothing before the master answers: " + order);

        claimResult.complete(new Granted(true));
        pump(m, w);
        assertEquals(List.of("response true", "notification live/a by 2"), order);

        assertFalse(m.finish());
        assertFalse(w.finish());
    }

    @Test
    void nestedRequestFromAHandlerCompletesOnTheOtherSide() {
        // worker.identify handler on the master asks the worker back (dump) before answering.
        worker.onRequest(TestProtocol.DUMP, (request, ctx) -> ChannelJson.parse("{\"streams\":0}"));
        master.onRequestAsync(TestProtocol.IDENTIFY, (request, ctx) ->
                master.request(TestProtocol.DUMP, null)
                        .thenApply(dump -> ChannelJson.parse("{\"welcome\":" + request.get("id") + ",\"streams\":"
                                + dump.get("streams") + "}")));
        EmbeddedChannel m = channel(master);
        EmbeddedChannel w = channel(worker);

        CompletableFuture<JsonNode> identified = worker.request(TestProtocol.IDENTIFY, ChannelJson.parse("{\"id\":2}"));
        pump(m, w);
        assertEquals("{\"welcome\":2,\"streams\":0}", ChannelJson.write(identified.join()));

        assertFalse(m.finish());
        assertFalse(w.finish());
    }
}
