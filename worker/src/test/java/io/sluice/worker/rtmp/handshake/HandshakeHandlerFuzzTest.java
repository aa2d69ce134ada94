package io.sluice.worker.rtmp.handshake;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.common.testing.AllocationBudget;
import io.sluice.common.testing.ByteSplits;
import io.sluice.common.testing.TrackingAllocator;
import io.sluice.worker.rtmp.handshake.HandshakeDigest.Key;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.sluice.worker.rtmp.handshake.HandshakeDigest.PACKET_SIZE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of {@link HandshakeHandler} on an {@code EmbeddedChannel}. The first
 * input byte chooses how the rest arrives ({@link ByteSplits}); the rest is what a client sends.
 *
 * <p>The outcome is predicted from the bytes alone and must match whatever the split: a first
 * byte other than 3 closes the connection without an answer; C0+C1 get exactly one 3073-byte
 * S0+S1+S2 (S2 echoing C1 unless C1 carries a valid digest); C2 completes the handshake, the
 * handler leaves the pipeline and every byte after C2 reaches the next handler, after the
 * completion event. An unfinished handshake is closed at its timeout. Nothing leaks, and the
 * handler holds no more than a handshake's worth of buffers.
 */
class HandshakeHandlerFuzzTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int C0_C1 = 1 + PACKET_SIZE;
    private static final int C0_C1_C2 = 1 + 2 * PACKET_SIZE;
    private static final AllocationBudget BUDGET = AllocationBudget.forFuzzing();

    @FuzzTest
    void handshake(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] wire = Arrays.copyOfRange(input, 1, input.length);
        BUDGET.run(input.length, () -> check(input[0], wire));
    }

    private static void check(int split, byte[] wire) {
        TrackingAllocator alloc = new TrackingAllocator();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.config().setAllocator(alloc);
        CaptureHandler capture = new CaptureHandler();
        ch.pipeline().addLast(new HandshakeHandler(TIMEOUT), capture);
        long[] fed = {0};
        try {
            ByteSplits.feed(split, wire, piece -> {
                // A closed socket delivers nothing more.
                if (ch.isOpen()) {
                    ByteBuf buf = alloc.heapBuffer(piece.length).writeBytes(piece);
                    ch.writeInbound(buf);
                }
                fed[0] += piece.length;
                // The bytes received (twice, as buffers double) and one answer.
                alloc.assertCapacityAtMost(2 * fed[0] + C0_C1_C2, "during the handshake");
            });
            ch.checkException();
            checkOutcome(ch, capture, wire);
            assertFalse(ch.finishAndReleaseAll());
        } finally {
            ch.finishAndReleaseAll();
            alloc.assertAllReleased("after a " + wire.length + "-byte handshake input");
        }
    }

    private static void checkOutcome(EmbeddedChannel ch, CaptureHandler capture, byte[] wire) {
        if (wire.length > 0 && wire[0] != HandshakeHandler.RTMP_VERSION) {
            assertFalse(ch.isOpen(), "version byte " + (wire[0] & 0xff) + " accepted");
            assertNull(ch.readOutbound(), "answered a refused client");
            assertTrue(capture.events.isEmpty());
            return;
        }
        boolean digest = false;
        if (wire.length >= C0_C1) {
            byte[] c1 = Arrays.copyOfRange(wire, 1, C0_C1);
            digest = HandshakeDigest.hasVersion(c1) && HandshakeDigest.findScheme(c1, Key.PLAYER_PARTIAL).isPresent();
            checkAnswer(ch, c1, digest);
        }
        assertNull(ch.readOutbound(), "more than one answer");
        if (wire.length >= C0_C1_C2) {
            assertEquals(List.of(new HandshakeCompleted(digest)), capture.events);
            assertNull(ch.pipeline().get(HandshakeHandler.class), "handler still in the pipeline");
            assertTrue(ch.isOpen());
            assertArrayEquals(Arrays.copyOfRange(wire, C0_C1_C2, wire.length), capture.bytes(),
                    "bytes after C2 not passed on unchanged");
            assertEquals("event", capture.arrivals.get(0), "bytes after C2 overtook the completion event");
            ch.advanceTimeBy(TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
            assertTrue(ch.isOpen(), "closed by the timeout of a completed handshake");
            return;
        }
        assertTrue(capture.events.isEmpty(), "completed before C2");
        assertEquals(0, capture.bytes().length, "bytes passed on before the handshake completed");
        assertTrue(ch.isOpen(), "closed an unfinished handshake before its timeout");
        ch.advanceTimeBy(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertFalse(ch.isOpen(), "unfinished handshake outlived its timeout");
    }

    /** S0+S1+S2 in one buffer; S2 echoes C1 unless C1 carries a digest we can answer. */
    private static void checkAnswer(EmbeddedChannel ch, byte[] c1, boolean digest) {
        ByteBuf answer = ch.readOutbound();
        assertNotNull(answer, "no answer to C0+C1");
        try {
            assertEquals(1 + 2 * PACKET_SIZE, answer.readableBytes());
            assertEquals(HandshakeHandler.RTMP_VERSION, answer.getByte(0));
            byte[] s2 = new byte[PACKET_SIZE];
            answer.getBytes(1 + PACKET_SIZE, s2);
            if (!digest) {
                assertArrayEquals(c1, s2, "simple handshake: S2 must echo C1");
            }
        } finally {
            answer.release();
        }
    }
}
