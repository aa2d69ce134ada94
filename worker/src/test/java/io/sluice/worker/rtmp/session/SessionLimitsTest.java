package io.sluice.worker.rtmp.session;

import ch.qos.logback.classic.Level;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.worker.LogCapture;
import io.sluice.worker.TestSettings;
import io.sluice.worker.rtmp.chunk.IncompleteMessageBudget;
import io.sluice.worker.rtmp.message.CommandMessage;
import io.sluice.worker.rtmp.message.MediaMessage;
import io.sluice.worker.rtmp.message.RtmpMessage;
import io.sluice.worker.rtmp.message.VideoData;
import io.sluice.worker.stream.GopSettings;
import io.sluice.worker.stream.StreamRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.sluice.worker.rtmp.session.EmbeddedRtmpPeer.media;
import static io.sluice.worker.rtmp.session.EmbeddedRtmpPeer.releaseAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a connection may make the worker hold before and after it earned a publish, the worker's
 * incomplete-message budget, and the idle timeout: each over the real inbound pipeline.
 */
class SessionLimitsTest {

    private static final int KIB = 1024;
    private static final int TYPE_SET_CHUNK_SIZE = 1;
    private static final int TYPE_ABORT = 2;
    private static final int TYPE_COMMAND_AMF0 = 20;
    private static final int TYPE_VIDEO = 9;

    private final StreamRegistry registry = SessionHandlerTest.registry(new GopSettings(true, 2048, 32 << 20));
    private IncompleteMessageBudget budget = new IncompleteMessageBudget(64 << 20);
    private final List<EmbeddedRtmpPeer> peers = new ArrayList<>();
    private final LogCapture warnings = new LogCapture(SessionHandler.class);

    private EmbeddedRtmpPeer peer(SessionSettings settings) {
        EmbeddedRtmpPeer p = new EmbeddedRtmpPeer(registry, settings, budget);
        peers.add(p);
        return p;
    }

    private EmbeddedRtmpPeer peer() {
        return peer(SessionSettings.defaults());
    }

    @AfterEach
    void closeAll() {
        peers.forEach(EmbeddedRtmpPeer::close);
        warnings.close();
        assertEquals(0, budget.held(), "every announced message was given back to the budget");
    }

    /** A type-0 chunk header on a chunk stream below 64 (one-byte basic header). */
    private static ByteBuf header(int csid, int length, int type, int streamId) {
        return Unpooled.buffer(12).writeByte(csid).writeMedium(0).writeMedium(length).writeByte(type)
                .writeIntLE(streamId);
    }

    private static ByteBuf setChunkSize(int size) {
        return header(2, 4, TYPE_SET_CHUNK_SIZE, 0).writeInt(size);
    }

    /** The header of a message of {@code length} on {@code csid}, and its first {@code body} bytes. */
    private static ByteBuf startOf(int csid, int length, int type, int body) {
        return startOf(csid, length, type, 0, body);
    }

    private static ByteBuf startOf(int csid, int length, int type, int streamId, int body) {
        return header(csid, length, type, streamId).writeZero(body);
    }

    private List<String> warned() {
        return warnings.messages(Level.WARN);
    }

    @Test
    void theSlowTrickleAttackIsClosedAtItsFirstHeader() {
        // Handshake done, nothing else: chunk size 1 MiB, then a 16 MiB video message announced
        // (0xFFFFFF, the most a 3-byte length says).
        EmbeddedRtmpPeer attacker = peer();
        attacker.sendBytes(Unpooled.wrappedBuffer(setChunkSize(1 << 20), startOf(6, 0xFFFFFF, TYPE_VIDEO, 100)));
        assertFalse(attacker.isOpen());
        assertEquals(1, warned().size(), warned().toString());
        assertTrue(warned().get(0).contains("message of 16777215 bytes on chunk stream 6 (type 9) exceeds the limit"
                + " of 65536 bytes before publish (rtmp.max_message_size_before_publish)"), warned().get(0));
        assertEquals(0, budget.held(), "nothing was taken for it");
    }

    @Test
    void aMessageOfExactlyTheLimitBeforePublishIsAccepted() {
        EmbeddedRtmpPeer client = peer();
        client.connect("live");
        // AMF0: "noSuchMethod" (15 bytes), 5.0 (9), null (1), then a string of 3 + n bytes.
        int padding = 64 * KIB - 15 - 9 - 1 - 3;
        client.send(CommandMessage.of(0, "noSuchMethod", 5, null, "x".repeat(padding)));
        List<RtmpMessage> replies = releaseAll(client.received());
        assertEquals("_error", ((CommandMessage) replies.get(0)).name(), "a 65536-byte command is handled");
        assertTrue(client.isOpen());
        assertEquals(List.of(), warned());

        client.send(CommandMessage.of(0, "noSuchMethod", 6, null, "x".repeat(padding + 1)));
        assertFalse(client.isOpen(), "a byte more is refused");
        assertEquals(1, warned().size());
        assertTrue(warned().get(0).contains("message of 65537 bytes"), warned().get(0));
    }

    @Test
    void aPublisherMaySendMessagesUpToMaxMessageSize() {
        EmbeddedRtmpPeer publisher = peer();
        int sid = publisher.publish("live", "cam");
        EmbeddedRtmpPeer player = peer();
        releaseAll(player.play("live", "cam"));
        ByteBuf key = Unpooled.buffer(1 << 20).writeByte(0x17).writeByte(1).writeMedium(0).writeZero((1 << 20) - 5);
        publisher.send(new VideoData(40, sid, key));
        assertTrue(publisher.isOpen());
        List<MediaMessage> got = media(player.received());
        try {
            assertEquals(1, got.size());
            assertEquals(1 << 20, got.get(0).payload().readableBytes());
        } finally {
            got.forEach(MediaMessage::release);
        }
        assertEquals(List.of(), warned());
    }

    @Test
    void theLargeLimitEndsWithThePublish() {
        EmbeddedRtmpPeer publisher = peer();
        int sid = publisher.publish("live", "cam");
        publisher.send(CommandMessage.of(sid, "closeStream", 0, null));
        publisher.received().forEach(io.netty.util.ReferenceCountUtil::release);
        publisher.sendBytes(startOf(6, 100 * KIB, TYPE_VIDEO, 10));
        assertFalse(publisher.isOpen());
        assertTrue(warned().get(0).contains("exceeds the limit of 65536 bytes before publish"), warned().toString());
    }

    @Test
    void unfinishedMessagesOnManyChunkStreamsAreBoundedTogether() {
        EmbeddedRtmpPeer attacker = peer();
        attacker.connect("live");
        // Two 60000-byte commands in progress (one chunk of 128 bytes each): 120000 bytes held.
        attacker.sendBytes(Unpooled.wrappedBuffer(startOf(3, 60_000, TYPE_COMMAND_AMF0, 128),
                startOf(4, 60_000, TYPE_COMMAND_AMF0, 128)));
        assertTrue(attacker.isOpen());
        assertEquals(120_000, budget.held());
        attacker.sendBytes(startOf(5, 20_000, TYPE_COMMAND_AMF0, 10));
        assertFalse(attacker.isOpen());
        assertEquals(1, warned().size());
        assertTrue(warned().get(0).contains("unfinished messages would hold 140000 bytes on this connection (a new"
                + " one of 20000 bytes on chunk stream 5), over its limit of 131072 bytes before publish"),
                warned().get(0));
    }

    @Test
    void anAbortGivesTheBytesBack() {
        EmbeddedRtmpPeer client = peer();
        client.connect("live");
        client.sendBytes(startOf(3, 60_000, TYPE_COMMAND_AMF0, 128));
        assertEquals(60_000, budget.held());
        client.sendBytes(header(2, 4, TYPE_ABORT, 0).writeInt(3));
        assertEquals(0, budget.held());
        assertTrue(client.isOpen());
    }

    @Test
    void whenTheBudgetIsFullTheUnpublishedHoldingTheMostGiveWayNotThePublisher() {
        budget = new IncompleteMessageBudget(200_000);
        EmbeddedRtmpPeer publisher = peer();
        int sid = publisher.publish("live", "cam");
        EmbeddedRtmpPeer player = peer();
        releaseAll(player.play("live", "cam"));
        EmbeddedRtmpPeer bigAttacker = peer();
        bigAttacker.sendBytes(Unpooled.wrappedBuffer(startOf(3, 60_000, TYPE_COMMAND_AMF0, 128),
                startOf(4, 60_000, TYPE_COMMAND_AMF0, 128)));
        EmbeddedRtmpPeer smallAttacker = peer();
        smallAttacker.sendBytes(startOf(3, 60_000, TYPE_COMMAND_AMF0, 128));
        assertEquals(180_000, budget.held());

        // The publisher's 100000-byte key frame needs 80000 bytes: the big attacker gives way.
        ByteBuf key = Unpooled.buffer(100_000).writeByte(0x17).writeByte(1).writeMedium(0).writeZero(100_000 - 5);
        publisher.send(new VideoData(40, sid, key));
        bigAttacker.server.runPendingTasks();
        assertFalse(bigAttacker.isOpen());
        assertTrue(smallAttacker.isOpen());
        assertTrue(publisher.isOpen());
        assertEquals(1, warned().size(), warned().toString());
        assertTrue(warned().get(0).contains("closed to make room in the worker's incomplete-message budget of"
                + " 200000 bytes (rtmp.incomplete_message_budget): this connection held 120000 bytes in unfinished"
                + " messages, the most of the connections that do not publish"), warned().get(0));
        List<MediaMessage> got = media(player.received());
        try {
            assertEquals(1, got.size(), "the key frame reached the player");
        } finally {
            got.forEach(MediaMessage::release);
        }
    }

    @Test
    void whenTheBudgetIsFullAnUnpublishedRequesterCannotDisplaceAPublisher() {
        budget = new IncompleteMessageBudget(200_000);
        EmbeddedRtmpPeer publisher = peer();
        int sid = publisher.publish("live", "cam");
        publisher.sendBytes(startOf(6, 190_000, TYPE_VIDEO, sid, 128)); // a key frame on its way
        assertEquals(190_000, budget.held());
        EmbeddedRtmpPeer client = peer();
        client.sendBytes(startOf(3, 20_000, TYPE_COMMAND_AMF0, 10));
        assertFalse(client.isOpen());
        assertTrue(publisher.isOpen());
        assertTrue(warned().get(0).contains("incomplete-message budget of 200000 bytes (rtmp.incomplete_message_budget)"
                + " is full"), warned().toString());
    }

    @Test
    void aConnectionThatNeitherPublishesNorPlaysIsClosedAfterTheIdleTimeout() {
        SessionSettings idle1s = TestSettings.yaml("rtmp:\n  idle_timeout: 1s\n");
        try (LogCapture info = new LogCapture(IdleTimeout.class, Level.INFO)) {
            EmbeddedRtmpPeer idle = peer(idle1s);
            idle.connect("live");
            idle.server.advanceTimeBy(999, TimeUnit.MILLISECONDS);
            idle.server.runPendingTasks();
            assertTrue(idle.isOpen(), "not before the timeout");
            idle.server.advanceTimeBy(2, TimeUnit.MILLISECONDS);
            idle.server.runPendingTasks();
            assertFalse(idle.isOpen(), "closed at the timeout");
            assertEquals(1, info.messages(Level.INFO).size());
            assertTrue(info.messages(Level.INFO).get(0).startsWith("idle for 1000 ms (neither publishing nor playing)"));
        }
    }

    @Test
    void aPlayerIsNotIdleButBecomesIdleWhenItStopsPlaying() {
        SessionSettings idle1s = TestSettings.yaml("rtmp:\n  idle_timeout: 1s\n");
        EmbeddedRtmpPeer player = peer(idle1s);
        releaseAll(player.play("live", "nobody"));
        player.server.advanceTimeBy(5, TimeUnit.SECONDS);
        player.server.runPendingTasks();
        assertTrue(player.isOpen(), "a player waiting for its stream is not idle");
        player.send(CommandMessage.of(1, "closeStream", 0, null));
        releaseAll(player.received());
        player.server.advanceTimeBy(Duration.ofMillis(1001).toNanos(), TimeUnit.NANOSECONDS);
        player.server.runPendingTasks();
        assertFalse(player.isOpen(), "idle from its closeStream on");
    }
}
