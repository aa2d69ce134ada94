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

    private final ChannelPeer peer = new ChannelPeer("worker-1", Duration.ofSeconds(30));

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
        peer.onRequest(ChannelMethod.WORKER_PING, (request, ctx) -> new Pong(3));
        EmbeddedChannel ch = channel(peer);
        ch.writeInbound(frame("{\"id\":1,\"method\":\"worker.ping\"}"));
        assertEquals(List.of("{\"id\":1,\"accepted\":true,\"data\":{\"connections\":3}}"), outboundJson(ch));
        assertFalse(ch.finish());
    }

    @Test
    void handlerSeesHandlerIdAndData() {
        List<Request> seen = new ArrayList<>();
        peer.onRequest(ChannelMethod.CLIENT_KICK, (request, ctx) -> {
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
        peer.onRequest(ChannelMethod.WORKER_PING, (request, ctx) -> null);
        EmbeddedChannel ch = channel(peer);
        ch.writeInbound(frame("{\"id\":3,\"method\":\"stream.where\"}"));
        JsonNode response = outbound(ch).get(0);
        assertEquals("UnknownMethod", text(response, "error"));
        assertTrue(text(response, "reason").contains("stream.where"), response.toString());
        assertFalse(ch.finish());
    }

    @Test
    void registeringTwoHandlersForOneMethodIsRefused() {
        peer.onRequest(ChannelMethod.WORKER_PING, (request, ctx) -> null);
        assertThrows(IllegalStateException.class, () -> peer.onRequest(ChannelMethod.WORKER_PING, (request, ctx) -> null));
    }

    @Test
    void handlerThrowingBecomesErrorResponseLoggedOnce() {
        peer.onRequest(ChannelMethod.WORKER_DUMP, (request, ctx) -> {
            throw new IllegalStateException("dump not ready");
        });
        try (LogCapture log = new LogCapture(ChannelPeer.class, Level.WARN)) {
            EmbeddedChannel ch = channel(peer);
            ch.writeInbound(frame("{\"id\":5,\"method\":\"worker.dump\"}"));
            assertEquals(List.of("{\"id\":5,\"accepted\":false,\"error\":\"IllegalStateException\",\"reason\":\"dump not ready\"}"),
                    outboundJson(ch));
            assertEquals(List.of("request failed [peer:worker-1, method:worker.dump, id:5]"), log.messages(Level.WARN));
            assertFalse(ch.finish());
        }
    }

    @Test
    void asyncHandlerFailingBecomesErrorResponseLoggedOnce() {
        CompletableFuture<Object> result = new CompletableFuture<>();
        peer.onRequest(ChannelMethod.WORKER_DUMP, (request, ctx) -> result);
        try (LogCapture log = new LogCapture(ChannelPeer.class, Level.WARN)) {
            EmbeddedChannel ch = channel(peer);
            ch.writeInbound(frame("{\"id\":6,\"method\":\"worker.dump\"}"));
            assertTrue(outboundJson(ch).isEmpty(), "nothing before the stage completes");
            result.completeExceptionally(new CompletionException(new UnsupportedOperationException("no dump here")));
            assertEquals(List.of("{\"id\":6,\"accepted\":false,\"error\":\"UnsupportedOperationException\",\"reason\":\"no dump here\"}"),
                    outboundJson(ch));
            assertEquals(List.of("request failed [peer:worker-1, method:worker.dump, id:6]"), log.messages(Level.WARN));
            assertFalse(ch.finish());
        }
    }

    @Test
    void channelRequestExceptionCarriesItsCodeAndIsNotAWarning() {
        peer.onRequest(ChannelMethod.STREAM_LOCATE, (request, ctx) -> {
            throw new ChannelRequestException("NotFound", "no stream " + request.handlerId());
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
        peer.onRequest(ChannelMethod.WORKER_DUMP, (request, ctx) -> new Object());
        try (LogCapture log = new LogCapture(ChannelPeer.class, Level.WARN)) {
            EmbeddedChannel ch = channel(peer);
            ch.writeInbound(frame("{\"id\":8,\"method\":\"worker.dump\"}"));
            JsonNode response = outbound(ch).get(0);
            assertEquals("IllegalArgumentException", text(response, "error"));
            assertEquals(1, log.messages(Level.WARN).size());
            assertFalse(ch.finish());
        }
    }

    @Test
    void responseOverTheFrameLimitIsAnsweredWithAnError() {
        peer.onRequest(ChannelMethod.WORKER_DUMP, (request, ctx) -> {
            ctx.notifyAfterResponse(ChannelEvent.STREAM_PUBLISHED, "s", null);
            return "x".repeat(500);
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

    // --- notifyAfterResponse ordering --------------------------------------------------------

    @Test
    void syncNotificationsFollowTheResponseInOneFlush() {
        peer.onRequest(ChannelMethod.STREAM_CLAIM, (request, ctx) -> {
            ctx.notifyAfterResponse(ChannelEvent.STREAM_PUBLISHED, request.handlerId(), null);
            ctx.notifyAfterResponse(ChannelEvent.STREAM_RELAY_OPENED, request.handlerId(), null);
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
        CompletableFuture<Object> result = new CompletableFuture<>();
        List<RequestContext> contexts = new ArrayList<>();
        peer.onRequest(ChannelMethod.STREAM_CLAIM, (request, ctx) -> {
            contexts.add(ctx);
            return result;
        });
        FlushCounter flushes = new FlushCounter();
        EmbeddedChannel ch = channel(peer);
        ch.pipeline().addFirst(flushes);
        ch.writeInbound(frame("{\"id\":1,\"method\":\"stream.claim\",\"handlerId\":\"live/a\"}"));
        contexts.get(0).notifyAfterResponse(ChannelEvent.STREAM_PUBLISHED, "live/a", null);
        assertTrue(outboundJson(ch).isEmpty(), "the notification must not overtake the pending response");
        assertEquals(0, flushes.flushes);

        result.complete(null);
        assertEquals(List.of("{\"id\":1,\"accepted\":true}", "{\"event\":\"stream.published\",\"targetId\":\"live/a\"}"),
                outboundJson(ch));
        assertEquals(1, flushes.flushes);

        contexts.get(0).notifyAfterResponse(ChannelEvent.STREAM_UNPUBLISHED, "live/a", null);
        assertEquals(List.of("{\"event\":\"stream.unpublished\",\"targetId\":\"live/a\"}"), outboundJson(ch),
                "after the response, sent at once");
        assertFalse(ch.finish());
    }

    // --- requesting --------------------------------------------------------------------------

    @Test
    void requestIdsIncreaseAndResponsesCompleteTheRightFuture() {
        EmbeddedChannel ch = channel(peer);
        CompletableFuture<JsonNode> first = peer.request(ChannelMethod.STREAM_CLAIM, "live/a", ChannelJson.parse("{\"w\":1}"));
        CompletableFuture<JsonNode> second = peer.request(ChannelMethod.STREAM_LOCATE, "live/b", null);
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
        CompletableFuture<JsonNode> request = peer.request(ChannelMethod.WORKER_IDENTIFY, null, null);
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
        CompletableFuture<JsonNode> shortOne = peer.request(ChannelMethod.WORKER_PING, null, null, Duration.ofSeconds(5));
        CompletableFuture<JsonNode> defaultOne = peer.request(ChannelMethod.WORKER_DUMP, null, null);
        outboundJson(ch);

        ch.advanceTimeBy(4999, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertFalse(shortOne.isDone());

        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        ChannelTimeoutException timeout = assertInstanceOf(ChannelTimeoutException.class, failure(shortOne));
        assertEquals(ChannelMethod.WORKER_PING, timeout.method());
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
                peer.request(ChannelMethod.STREAM_CLAIM, "a", null),
                peer.request(ChannelMethod.STREAM_CLAIM, "b", null),
                peer.request(ChannelMethod.STREAM_RELEASE, "c", null));
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

        CompletableFuture<JsonNode> late = peer.request(ChannelMethod.WORKER_PING, null, null);
        assertInstanceOf(ChannelClosedException.class, failure(late));
        assertFalse(ch.finish());
    }

    @Test
    void requestTooLargeFailsWithoutStayingPending() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelFrameDecoder(), new ChannelFrameEncoder(64), peer);
        CompletableFuture<JsonNode> request = peer.request(ChannelMethod.WORKER_UPDATE_SETTINGS, null, "y".repeat(100));
        TooLongFrameException e = assertInstanceOf(TooLongFrameException.class, failure(request));
        assertTrue(e.getMessage().contains("worker.updateSettings"), e.getMessage());
        ch.close();
        assertFalse(ch.finish());
    }

    @Test
    void requestBeforeThePeerIsInAPipelineFails() {
        assertInstanceOf(IllegalStateException.class, failure(peer.request(ChannelMethod.WORKER_PING, null, null)));
    }

    @Test
    void unserializableRequestDataFailsTheFuture() {
        EmbeddedChannel ch = channel(peer);
        assertInstanceOf(IllegalArgumentException.class, failure(peer.request(ChannelMethod.WORKER_PING, null, new Object())));
        assertTrue(outboundJson(ch).isEmpty());
        assertFalse(ch.finish());
    }

    // --- notifications -----------------------------------------------------------------------

    @Test
    void notificationsReachTheirListenersAndAFailingListenerDoesNotStopOthers() {
        List<String> seen = new ArrayList<>();
        peer.onNotification(ChannelEvent.STREAM_PUBLISHED, n -> {
            throw new IllegalStateException("listener bug");
        });
        peer.onNotification(ChannelEvent.STREAM_PUBLISHED, n -> seen.add(n.targetId() + "=" + n.data()));
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
        peer.notify(ChannelEvent.WORKER_RUNNING, "worker-1", ChannelJson.parse("{\"port\":1935}"));
        assertEquals(List.of("{\"event\":\"worker.running\",\"targetId\":\"worker-1\",\"data\":{\"port\":1935}}"),
                outboundJson(ch));
        ch.close();
        peer.notify(ChannelEvent.WORKER_RUNNING, null, null); // dropped, no exception
        assertFalse(ch.finish());
    }

    // --- malformed input ---------------------------------------------------------------------

    @Test
    void malformedJsonIsDroppedWithOneWarningAndTheChannelKeepsWorking() {
        peer.onRequest(ChannelMethod.WORKER_PING, (request, ctx) -> "pong");
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
        CompletableFuture<JsonNode> request = peer.request(ChannelMethod.WORKER_PING, null, null);
        outboundJson(ch);
        ByteBuf in = Unpooled.buffer().writeInt(ChannelFrameDecoder.DEFAULT_MAX_FRAME_LENGTH + 1);
        ch.writeInbound(in);
        assertFalse(ch.isOpen());
        assertInstanceOf(ChannelClosedException.class, failure(request));
        assertTrue(peer.closeFuture().isDone());
        assertFalse(ch.finish());
    }
}
