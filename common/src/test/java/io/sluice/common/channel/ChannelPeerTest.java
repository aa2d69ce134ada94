package io.sluice.common.channel;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.sluice.common.channel.ChannelTestSupport.FlushCounter;
import io.sluice.common.channel.ChannelTestSupport.LogCapture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static io.sluice.common.channel.ChannelTestSupport.channel;
import static io.sluice.common.channel.ChannelTestSupport.frame;
import static io.sluice.common.channel.ChannelTestSupport.outbound;
import static io.sluice.common.channel.ChannelTestSupport.outboundJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One {@link ChannelPeer} in the production pipeline, driven with raw frames. */
class ChannelPeerTest {

    private final ChannelPeer peer = new ChannelPeer("worker-1", TestProtocol.PROTOCOL, Duration.ofSeconds(30));

    private static Throwable failure(CompletableFuture<?> future) {
        assertTrue(future.isCompletedExceptionally(), "future should have failed");
        CompletionException e = assertThrows(CompletionException.class, future::join);
        return e.getCause();
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).asText();
    }

    // --- answering -------------------------------------------------------------------------

    @Test
    void syncHandlerResultBecomesAcceptedResponse() {
        record Pong(int connections) {
        }
        peer.onRequest(TestProtocol.PING, (request, ctx) -> ChannelJson.toTree(new Pong(3)));
        EmbeddedChannel ch = channel(peer);
        ch.writeInbound(frame("{\"id\":1,\"method\":\"worker.ping\"}"));
        assertEquals(List.of("{\"id\":1,\"accepted\":true,\"data\":{\"connections\":3}}"), outboundJson(ch));
        assertFalse(ch.finish());
    }

    @Test
    void handlerSeesHandlerIdAndData() {
        List<Request> seen = new ArrayList<>();
        peer.onRequest(TestProtocol.KICK, (request, ctx) -> {
            seen.add(ctx.request());
            return null;
        });
        EmbeddedChannel ch = channel(peer);
        ch.writeInbound(frame("{\"id\":4,\"method\":\"client.kick\",\"handlerId\":\"c-9\",\"data\":{\"why\":\"spam\"}}"));
        assertEquals(List.of(new Request(4, "client.kick", "c-9", ChannelJson.parse("{\"why\":\"spam\"}"))), seen);
        assertEquals(List.of("{\"id\":4,\"accepted\":true}"), outboundJson(ch));
        assertFalse(ch.finish());
    }

    @Test
    void methodNotInTheEnumIsUnknownMethod() {
        EmbeddedChannel ch = channel(peer);
        ch.writeInbound(frame("{\"id\":2,\"method\":\"worker.explode\"}"));
        JsonNode response = outbound(ch).get(0);
        assertEquals(2, response.get("id").asLong());
        assertFalse(response.get("accepted").asBoolean());
        assertEquals("UnknownMethod", text(response, "error"));
        assertTrue(text(response, "reason").contains("worker.explode"), response.toString());
        assertFalse(ch.finish());
    }

    @Test
    void methodWithoutHandlerIsUnknownMethod() {
        peer.onRequest(TestProtocol.PING, (request, ctx) -> null);
        EmbeddedChannel ch = channel(peer);
        ch.writeInbound(frame("{\"id\":3,\"method\":\"stream.where\"}"));
        JsonNode response = outbound(ch).get(0);
        assertEquals("UnknownMethod", text(response, "error"));
        assertTrue(text(response, "reason").contains("stream.where"), response.toString());
        assertFalse(ch.finish());
    }

    @Test
    void registeringTwoHandlersForOneMethodIsRefused() {
        peer.onRequest(TestProtocol.PING, (request, ctx) -> null);
        assertThrows(IllegalStateException.class, () -> peer.onRequest(TestProtocol.PING, (request, ctx) -> null));
    }

    @Test
    void handlerThrowingBecomesErrorResponseLoggedOnce() {
        peer.onRequest(TestProtocol.DUMP, (request, ctx) -> {
            throw new IllegalStateException("dump not ready");
        });
        try (LogCapture log = new LogCapture(ChannelPeer.class, Level.WARN)) {
            EmbeddedChannel ch = channel(peer);
            ch.writeInbound(frame("{\"id\":5,\"method\":\"worker.dump\"}"));
            assertEquals(List.of("{\"id\":5,\"accepted\":false,\"error\":\"Internal\",\"reason\":\"dump not ready\"}"),
                    outboundJson(ch));
            assertEquals(List.of("request failed [peer:worker-1, method:worker.dump, id:5]"), log.messages(Level.WARN));
            assertFalse(ch.finish());
        }
    }

    @Test
    void asyncHandlerFailingBecomesErrorResponseLoggedOnce() {
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        peer.onRequestAsync(TestProtocol.DUMP, (request, ctx) -> result);
        try (LogCapture log = new LogCapture(ChannelPeer.class, Level.WARN)) {
            EmbeddedChannel ch = channel(peer);
            ch.writeInbound(frame("{\"id\":6,\"method\":\"worker.dump\"}"));
            assertTrue(outboundJson(ch).isEmpty(), "nothing before the stage completes");
            result.completeExceptionally(new CompletionException(new UnsupportedOperationException("no dump here")));
            assertEquals(List.of("{\"id\":6,\"accepted\":false,\"error\":\"Internal\",\"reason\":\"no dump here\"}"),
                    outboundJson(ch));
            assertEquals(List.of("request failed [peer:worker-1, method:worker.dump, id:6]"), log.messages(Level.WARN));
            assertFalse(ch.finish());
        }
    }

    @Test
    void channelRequestExceptionCarriesItsCodeAndIsNotAWarning() {
        peer.onRequest(TestProtocol.LOCATE, (request, ctx) -> {
            throw new ChannelRequestException(ErrorCode.NOT_FOUND, "no stream " + ctx.request().handlerId());
        });
        try (LogCapture log = new LogCapture(ChannelPeer.class, Level.WARN)) {
            EmbeddedChannel ch = channel(peer);
            ch.writeInbound(frame("{\"id\":7,\"method\":\"stream.locate\",\"handlerId\":\"live/cam1\"}"));
            assertEquals(List.of("{\"id\":7,\"accepted\":false,\"error\":\"NotFound\",\"reason\":\"no stream live/cam1\"}"),
                    outboundJson(ch));
            assertEquals(List.of(), log.messages(Level.WARN));
            assertFalse(ch.finish());
        }
    }

    @Test
    void unserializableResultBecomesErrorResponse() {
        peer.onRequest(TestProtocol.ANY, (request, ctx) -> new Object());
        try (LogCapture log = new LogCapture(ChannelPeer.class, Level.WARN)) {
            EmbeddedChannel ch = channel(peer);
            ch.writeInbound(frame("{\"id\":8,\"method\":\"worker.close\"}"));
            JsonNode response = outbound(ch).get(0);
            assertEquals("Internal", text(response, "error"));
            assertEquals(1, log.messages(Level.WARN).size());
            assertFalse(ch.finish());
        }
    }

    @Test
    void responseOverTheFrameLimitIsAnsweredWithAnError() {
        peer.onRequest(TestProtocol.DUMP, (request, ctx) -> {
            ctx.notifyAfterResponse(TestProtocol.PUBLISHED, "s", null);
            return ChannelJson.toTree("x".repeat(500));
        });
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelFrameDecoder(), new ChannelFrameEncoder(200), peer);
        ch.writeInbound(frame("{\"id\":9,\"method\":\"worker.dump\"}"));
        List<JsonNode> out = outbound(ch);
        assertEquals(2, out.size(), out.toString());
        assertEquals("ResponseTooLarge", text(out.get(0), "error"));
        assertEquals(9, out.get(0).get("id").asLong());
        assertEquals("stream.published", text(out.get(1), "event"), "notification still after the response");
        assertFalse(ch.finish());
    }

    // --- typed data ---------------------------------------------------------------------------

    record Ref(String app, String name) {
        Ref {
            if (app == null || app.isEmpty()) {
                throw new IllegalArgumentException("a stream needs an app");
            }
        }
    }

    record Where(int worker) {
    }

    static final Method<Ref, Where> LOCATE = Method.of("stream.locate", Ref.class, Where.class);
    static final Event<Ref> GONE = Event.of("stream.unpublished", Ref.class);
    static final Protocol TYPED = Protocol.of("typed test", List.of(LOCATE), List.of(GONE));

    @Test
    void requestDataThatDoesNotFitIsBadRequestBeforeAnyHandlerRuns() {
        ChannelPeer typed = new ChannelPeer("worker-1", TYPED, Duration.ofSeconds(30));
        List<Ref> seen = new ArrayList<>();
        typed.onRequest(LOCATE, (ref, ctx) -> {
            seen.add(ref);
            return new Where(2);
        });
        EmbeddedChannel ch = channel(typed);
        ch.writeInbound(frame("{\"id\":1,\"method\":\"stream.locate\",\"data\":{\"app\":\"live\",\"name\":\"a\"}}"));
        ch.writeInbound(frame("{\"id\":2,\"method\":\"stream.locate\",\"data\":{\"app\":[1],\"name\":\"a\"}}"));
        ch.writeInbound(frame("{\"id\":3,\"method\":\"stream.locate\",\"data\":{\"app\":\"\",\"name\":\"a\"}}"));
        List<JsonNode> out = outbound(ch);
        assertEquals("{\"id\":1,\"accepted\":true,\"data\":{\"worker\":2}}", ChannelJson.write(out.get(0)));
        assertEquals("BadRequest", text(out.get(1), "error"));
        assertTrue(text(out.get(1), "reason").contains("Ref"), out.get(1).toString());
        assertEquals("BadRequest", text(out.get(2), "error"));
        assertTrue(text(out.get(2), "reason").contains("a stream needs an app"), out.get(2).toString());
        assertEquals(List.of(new Ref("live", "a")), seen, "the handler only ever saw the request that fit");
        assertFalse(ch.finish());
    }

    @Test
    void aMethodOfAnotherProtocolIsUnknownAndCannotBeSentOrRegistered() {
        ChannelPeer typed = new ChannelPeer("worker-1", TYPED, Duration.ofSeconds(30));
        EmbeddedChannel ch = channel(typed);
        ch.writeInbound(frame("{\"id\":4,\"method\":\"worker.ping\"}"));
        JsonNode response = outbound(ch).get(0);
        assertEquals("UnknownMethod", text(response, "error"));
        assertTrue(text(response, "reason").contains("typed test"), response.toString());
        assertThrows(IllegalArgumentException.class, () -> typed.request(TestProtocol.PING, null));
        assertThrows(IllegalArgumentException.class, () -> typed.onRequest(TestProtocol.PING, (r, c) -> r));
        assertThrows(IllegalArgumentException.class, () -> typed.notify(TestProtocol.PUBLISHED, null, null));
        assertFalse(ch.finish());
    }

    @Test
    void responsesAreReadAsTheMethodsTypeAndOneThatDoesNotFitFailsTheRequest() {
        ChannelPeer typed = new ChannelPeer("worker-1", TYPED, Duration.ofSeconds(30));
        EmbeddedChannel ch = channel(typed);
        CompletableFuture<Where> fits = typed.request(LOCATE, new Ref("live", "a"));
        CompletableFuture<Where> odd = typed.request(LOCATE, new Ref("live", "b"));
        assertEquals(List.of(
                "{\"id\":1,\"method\":\"stream.locate\",\"data\":{\"app\":\"live\",\"name\":\"a\"}}",
                "{\"id\":2,\"method\":\"stream.locate\",\"data\":{\"app\":\"live\",\"name\":\"b\"}}"),
                outboundJson(ch));
        ch.writeInbound(frame("{\"id\":1,\"accepted\":true,\"data\":{\"worker\":3}}"));
        ch.writeInbound(frame("{\"id\":2,\"accepted\":true,\"data\":{\"worker\":\"three\"}}"));
        assertEquals(new Where(3), fits.join());
        assertInstanceOf(IllegalArgumentException.class, failure(odd));
        assertFalse(ch.finish());
    }

    @Test
    void notificationDataThatDoesNotFitIsDroppedWithOneWarning() {
        ChannelPeer typed = new ChannelPeer("worker-1", TYPED, Duration.ofSeconds(30));
        List<Ref> seen = new ArrayList<>();
        typed.onNotification(GONE, (ref, target) -> seen.add(ref));
        EmbeddedChannel ch = channel(typed);
        try (LogCapture log = new LogCapture(ChannelPeer.class, Level.WARN)) {
            ch.writeInbound(frame("{\"event\":\"stream.unpublished\",\"data\":{\"app\":\"\",\"name\":\"x\"}}"));
            ch.writeInbound(frame("{\"event\":\"stream.unpublished\",\"data\":{\"app\":\"live\",\"name\":\"x\"}}"));
            assertEquals(1, log.messages(Level.WARN).size());
        }
        assertEquals(List.of(new Ref("live", "x")), seen);
        assertTrue(ch.isOpen());
        assertFalse(ch.finish());
    }

    // --- notifyAfterResponse ordering --------------------------------------------------------

    @Test
    void syncNotificationsFollowTheResponseInOneFlush() {
        peer.onRequest(TestProtocol.CLAIM, (request, ctx) -> {
            ctx.notifyAfterResponse(TestProtocol.PUBLISHED, ctx.request().handlerId(), null);
            ctx.notifyAfterResponse(TestProtocol.RELAY_OPENED, ctx.request().handlerId(), null);
            return null;
        });
        FlushCounter flushes = new FlushCounter();
        EmbeddedChannel ch = channel(peer);
        ch.pipeline().addFirst(flushes);
        ch.writeInbound(frame("{\"id\":1,\"method\":\"stream.claim\",\"handlerId\":\"live/a\"}"));
        assertEquals(List.of(
                "{\"id\":1,\"accepted\":true}",
                "{\"event\":\"stream.published\",\"targetId\":\"live/a\"}",
                "{\"event\":\"stream.relayOpened\",\"targetId\":\"live/a\"}"), outboundJson(ch));
        assertEquals(1, flushes.flushes);
        assertFalse(ch.finish());
    }

    @Test
    void asyncNotificationsWaitForTheResponse() {
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        List<RequestContext> contexts = new ArrayList<>();
        peer.onRequestAsync(TestProtocol.CLAIM, (request, ctx) -> {
            contexts.add(ctx);
            return result;
        });
        FlushCounter flushes = new FlushCounter();
        EmbeddedChannel ch = channel(peer);
        ch.pipeline().addFirst(flushes);
        ch.writeInbound(frame("{\"id\":1,\"method\":\"stream.claim\",\"handlerId\":\"live/a\"}"));
        contexts.get(0).notifyAfterResponse(TestProtocol.PUBLISHED, "live/a", null);
        assertTrue(outboundJson(ch).isEmpty(), "the notification must not overtake the pending response");
        assertEquals(0, flushes.flushes);

        result.complete(null);
        assertEquals(List.of("{\"id\":1,\"accepted\":true}", "{\"event\":\"stream.published\",\"targetId\":\"live/a\"}"),
                outboundJson(ch));
        assertEquals(1, flushes.flushes);

        contexts.get(0).notifyAfterResponse(TestProtocol.UNPUBLISHED, "live/a", null);
        assertEquals(List.of("{\"event\":\"stream.unpublished\",\"targetId\":\"live/a\"}"), outboundJson(ch),
                "after the response, sent at once");
        assertFalse(ch.finish());
    }

    // --- requesting --------------------------------------------------------------------------

    @Test
    void requestIdsIncreaseAndResponsesCompleteTheRightFuture() {
        EmbeddedChannel ch = channel(peer);
        CompletableFuture<JsonNode> first = peer.request(TestProtocol.CLAIM, "live/a", ChannelJson.parse("{\"w\":1}"), Duration.ofSeconds(30));
        CompletableFuture<JsonNode> second = peer.request(TestProtocol.LOCATE, "live/b", null, Duration.ofSeconds(30));
        assertEquals(List.of(
                "{\"id\":1,\"method\":\"stream.claim\",\"handlerId\":\"live/a\",\"data\":{\"w\":1}}",
                "{\"id\":2,\"method\":\"stream.locate\",\"handlerId\":\"live/b\"}"), outboundJson(ch));

        ch.writeInbound(frame("{\"id\":2,\"accepted\":false,\"error\":\"NotFound\",\"reason\":\"no live/b\"}"));
        ChannelRequestException refused = assertInstanceOf(ChannelRequestException.class, failure(second));
        assertEquals("NotFound", refused.error());
        assertEquals("no live/b", refused.reason());
        assertFalse(first.isDone());

        ch.writeInbound(frame("{\"id\":1,\"accepted\":true}"));
        assertSame(NullNode.getInstance(), first.join(), "no data reads as NullNode, never null");
        assertFalse(ch.finish());
    }

    @Test
    void duplicateAndUnknownResponseIdsAreDroppedAtDebug() {
        EmbeddedChannel ch = channel(peer);
        CompletableFuture<JsonNode> request = peer.request(TestProtocol.IDENTIFY, null);
        outboundJson(ch);
        try (LogCapture log = new LogCapture(PendingRequests.class, Level.DEBUG)) {
            ch.writeInbound(frame("{\"id\":1,\"accepted\":true,\"data\":{\"n\":1}}"));
            ch.writeInbound(frame("{\"id\":1,\"accepted\":true,\"data\":{\"n\":2}}"));
            ch.writeInbound(frame("{\"id\":77,\"accepted\":true}"));
            assertEquals(1, request.join().get("n").asInt());
            List<String> debug = log.messages(Level.DEBUG);
            assertEquals(2, debug.size(), debug.toString());
            assertTrue(debug.get(1).contains("id:77"), debug.get(1));
        }
        assertTrue(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void requestTimesOutWithMethodIdAndTimeoutAndLateResponseIsDropped() {
        EmbeddedChannel ch = channel(peer);
        ch.freezeTime();
        CompletableFuture<JsonNode> shortOne = peer.request(TestProtocol.PING, null, Duration.ofSeconds(5));
        CompletableFuture<JsonNode> defaultOne = peer.request(TestProtocol.DUMP, null);
        outboundJson(ch);

        ch.advanceTimeBy(4999, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertFalse(shortOne.isDone());

        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        ChannelTimeoutException timeout = assertInstanceOf(ChannelTimeoutException.class, failure(shortOne));
        assertEquals(TestProtocol.PING, timeout.method());
        assertEquals(1, timeout.id());
        assertEquals("request timed out [peer:worker-1, method:worker.ping, id:1, timeout:5000ms]", timeout.getMessage());
        assertFalse(defaultOne.isDone(), "the other request keeps the 30 s default");

        try (LogCapture log = new LogCapture(PendingRequests.class, Level.DEBUG)) {
            ch.writeInbound(frame("{\"id\":1,\"accepted\":true}"));
            assertEquals(1, log.messages(Level.DEBUG).size());
        }
        assertTrue(ch.isOpen());

        ch.advanceTimeBy(25, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertInstanceOf(ChannelTimeoutException.class, failure(defaultOne));
        assertFalse(ch.finish());
    }

    @Test
    void closingFailsEveryPendingRequestAtOnce() {
        EmbeddedChannel ch = channel(peer);
        List<CompletableFuture<JsonNode>> pending = List.of(
                peer.request(TestProtocol.CLAIM, "a", null, Duration.ofSeconds(30)),
                peer.request(TestProtocol.CLAIM, "b", null, Duration.ofSeconds(30)),
                peer.request(TestProtocol.RELEASE, "c", null, Duration.ofSeconds(30)));
        outboundJson(ch);
        CompletableFuture<Void> closed = peer.closeFuture();
        assertFalse(closed.isDone());

        ch.close();
        for (int i = 0; i < pending.size(); i++) {
            ChannelClosedException e = assertInstanceOf(ChannelClosedException.class, failure(pending.get(i)));
            assertTrue(e.getMessage().contains("id:" + (i + 1)), e.getMessage());
        }
        assertTrue(closed.isDone());
        assertFalse(peer.isOpen());

        CompletableFuture<JsonNode> late = peer.request(TestProtocol.PING, null);
        assertInstanceOf(ChannelClosedException.class, failure(late));
        assertFalse(ch.finish());
    }

    @Test
    void requestTooLargeFailsWithoutStayingPending() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelFrameDecoder(), new ChannelFrameEncoder(64), peer);
        CompletableFuture<JsonNode> request = peer.request(TestProtocol.UPDATE_SETTINGS, ChannelJson.toTree("y".repeat(100)));
        TooLongFrameException e = assertInstanceOf(TooLongFrameException.class, failure(request));
        assertTrue(e.getMessage().contains("worker.updateSettings"), e.getMessage());
        ch.close();
        assertFalse(ch.finish());
    }

    @Test
    void requestBeforeThePeerIsInAPipelineFails() {
        assertInstanceOf(IllegalStateException.class, failure(peer.request(TestProtocol.PING, null)));
    }

    @Test
    void unserializableRequestDataFailsTheFuture() {
        EmbeddedChannel ch = channel(peer);
        assertInstanceOf(IllegalArgumentException.class, failure(peer.request(TestProtocol.ANY, new Object())));
        assertTrue(outboundJson(ch).isEmpty());
        assertFalse(ch.finish());
    }

    // --- notifications -----------------------------------------------------------------------

    @Test
    void notificationsReachTheirListenersAndAFailingListenerDoesNotStopOthers() {
        List<String> seen = new ArrayList<>();
        peer.onNotification(TestProtocol.PUBLISHED, (data, target) -> {
            throw new IllegalStateException("listener bug");
        });
        peer.onNotification(TestProtocol.PUBLISHED, (data, target) -> seen.add(target + "=" + data));
        EmbeddedChannel ch = channel(peer);
        try (LogCapture log = new LogCapture(ChannelPeer.class, Level.WARN)) {
            ch.writeInbound(frame("{\"event\":\"stream.exploded\",\"targetId\":\"x\"}"));
            ch.writeInbound(frame("{\"event\":\"stream.unpublished\",\"targetId\":\"y\"}"));
            ch.writeInbound(frame("{\"event\":\"stream.published\",\"targetId\":\"live/a\",\"data\":{\"w\":2}}"));
            assertEquals(List.of("live/a={\"w\":2}"), seen);
            assertEquals(1, log.messages(Level.WARN).size(), "only the failing listener is a warning");
        }
        assertTrue(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void notifyWritesTheNotification() {
        EmbeddedChannel ch = channel(peer);
        peer.notify(TestProtocol.RUNNING, "worker-1", ChannelJson.parse("{\"port\":1935}"));
        assertEquals(List.of("{\"event\":\"worker.running\",\"targetId\":\"worker-1\",\"data\":{\"port\":1935}}"),
                outboundJson(ch));
        ch.close();
        peer.notify(TestProtocol.RUNNING, null, null); // dropped, no exception
        assertFalse(ch.finish());
    }

    // --- malformed input ---------------------------------------------------------------------

    @Test
    void malformedJsonIsDroppedWithOneWarningAndTheChannelKeepsWorking() {
        peer.onRequest(TestProtocol.PING, (request, ctx) -> ChannelJson.toTree("pong"));
        EmbeddedChannel ch = channel(peer);
        try (LogCapture log = new LogCapture(ChannelPeer.class, Level.WARN)) {
            ch.writeInbound(frame("{\"id\":1,\"method\":\"worker.ping\""));
            assertTrue(outboundJson(ch).isEmpty(), "no id could be read: nothing to answer");
            assertEquals(1, log.messages(Level.WARN).size());
        }
        ch.writeInbound(frame("{\"id\":2,\"method\":\"worker.ping\"}"));
        assertEquals(List.of("{\"id\":2,\"accepted\":true,\"data\":\"pong\"}"), outboundJson(ch));
        assertFalse(ch.finish());
    }

    @Test
    void envelopeOfNoKnownShapeIsDropped() {
        EmbeddedChannel ch = channel(peer);
        try (LogCapture log = new LogCapture(ChannelPeer.class, Level.WARN)) {
            ch.writeInbound(frame("{\"id\":3,\"hello\":true}"));
            ch.writeInbound(frame("[1,2,3]"));
            assertTrue(outboundJson(ch).isEmpty());
            assertEquals(2, log.messages(Level.WARN).size());
        }
        assertTrue(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void malformedRequestWithUsableIdIsAnsweredBadRequest() {
        EmbeddedChannel ch = channel(peer);
        try (LogCapture log = new LogCapture(ChannelPeer.class, Level.WARN)) {
            ch.writeInbound(frame("{\"id\":9,\"method\":7}"));
            JsonNode response = outbound(ch).get(0);
            assertEquals(9, response.get("id").asLong());
            assertFalse(response.get("accepted").asBoolean());
            assertEquals("BadRequest", text(response, "error"));
            assertTrue(text(response, "reason").contains("'method'"), response.toString());
            assertEquals(1, log.messages(Level.WARN).size());
        }
        assertTrue(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void oversizeFrameClosesTheChannelAndFailsPendingRequests() {
        EmbeddedChannel ch = channel(peer);
        CompletableFuture<JsonNode> request = peer.request(TestProtocol.PING, null);
        outboundJson(ch);
        ByteBuf in = Unpooled.buffer().writeInt(ChannelFrameDecoder.DEFAULT_MAX_FRAME_LENGTH + 1);
        ch.writeInbound(in);
        assertFalse(ch.isOpen());
        assertInstanceOf(ChannelClosedException.class, failure(request));
        assertTrue(peer.closeFuture().isDone());
        assertFalse(ch.finish());
    }
}
