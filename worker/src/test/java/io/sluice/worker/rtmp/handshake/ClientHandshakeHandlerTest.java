package io.sluice.worker.rtmp.handshake;

import ch.qos.logback.classic.Level;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.worker.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.sluice.worker.rtmp.handshake.FfmpegClientSteps.SIZE;
import static io.sluice.worker.rtmp.handshake.HandshakeHandlerTest.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientHandshakeHandlerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final byte[] CONNECT = "\u0003connect-from-client".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] SERVER_BYTES = "\u0002window-ack-size".getBytes(StandardCharsets.ISO_8859_1);

    private final CaptureHandler capture = new CaptureHandler();
    private final EmbeddedChannel ch = new EmbeddedChannel(new ClientHandshakeHandler(TIMEOUT), capture);

    @Test
    void sendsSignedC0C1OnceWhenActive() {
        byte[] c0c1 = readOutbound(ch, 1 + SIZE);
        assertEquals(3, c0c1[0], "C0");
        byte[] c1 = Arrays.copyOfRange(c0c1, 1, 1 + SIZE);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 9, 0, 124, 2}, Arrays.copyOf(c1, 8), "time 0, version 9.0.124.2");
        assertTrue(FfmpegClientSteps.hasClientDigest(c1, 8), "C1 digest under scheme 8, like ffmpeg's");

        ch.pipeline().fireChannelActive();
        assertNull(ch.readOutbound(), "C0+C1 sent twice");
        assertFalse(ch.finish());
    }

    @Test
    void completesAgainstOurServerWithDigestBothWays() {
        readOutbound(ch, 1 + SIZE); // this test uses its own pair of channels
        EmbeddedChannel server = new EmbeddedChannel();
        try (LogCapture clientLogs = new LogCapture(ClientHandshakeHandler.class);
             LogCapture serverLogs = new LogCapture(HandshakeHandler.class, Level.DEBUG)) {
            CaptureHandler serverCapture = new CaptureHandler();
            server.pipeline().addLast(new HandshakeHandler(TIMEOUT), serverCapture);
            CaptureHandler clientCapture = new CaptureHandler(ctx -> ctx.write(Unpooled.wrappedBuffer(CONNECT)));
            EmbeddedChannel client = new EmbeddedChannel(new ClientHandshakeHandler(TIMEOUT), clientCapture);

            while (shuttle(client, server) | shuttle(server, client)) {
                // until neither side has anything left to say
            }

            assertEquals(List.of(new HandshakeCompleted(true)), clientCapture.events);
            assertEquals(List.of(new HandshakeCompleted(true)), serverCapture.events);
            assertNull(client.pipeline().get(ClientHandshakeHandler.class));
            assertNull(server.pipeline().get(HandshakeHandler.class));
            assertArrayEquals(CONNECT, serverCapture.bytes(), "connect written on completion reached the server");
            assertTrue(clientLogs.messages(Level.WARN).isEmpty(), clientLogs.messages(Level.WARN).toString());
            assertFalse(serverLogs.messages(Level.DEBUG).stream().anyMatch(m -> m.startsWith("C2 is not")),
                    "server accepted our C2 as a signed response");
            assertFalse(client.finish());
        }
        assertFalse(server.finish());
        assertFalse(ch.finish());
    }

    @ParameterizedTest(name = "S1 digest scheme base {0}")
    @ValueSource(ints = {8, 772})
    void answersADigestServerLikeFfmpeg(int base) {
        byte[] c1 = Arrays.copyOfRange(readOutbound(ch, 1 + SIZE), 1, 1 + SIZE);
        Random random = new Random(base);
        byte[] s1 = digestS1(base, random);
        byte[] s2 = signedS2(c1, random);

        ch.writeInbound(Unpooled.wrappedBuffer(concat(concat(new byte[] {3}, s1), concat(s2, SERVER_BYTES))));

        byte[] c2 = readOutbound(ch, SIZE);
        int serverPos = FfmpegClientSteps.calcDigestPos(s1, base, 728, base + 4);
        byte[] key = FfmpegClientSteps.calcDigest(Arrays.copyOfRange(s1, serverPos, serverPos + 32), 32, 0,
                FfmpegClientSteps.PLAYER_KEY);
        assertArrayEquals(FfmpegClientSteps.calcDigest(c2, SIZE - 32, 0, key), Arrays.copyOfRange(c2, SIZE - 32, SIZE),
                "C2 signed with the key derived from the server digest");
        assertCompleted(true);
        assertArrayEquals(SERVER_BYTES, capture.bytes());
        assertEquals(List.of("event", "bytes"), capture.arrivals);
        assertFalse(ch.finish());
    }

    @Test
    void simpleServerGetsS1EchoedOneByteAtATime() {
        try (LogCapture logs = new LogCapture(ClientHandshakeHandler.class)) {
            byte[] c1 = Arrays.copyOfRange(readOutbound(ch, 1 + SIZE), 1, 1 + SIZE);
            byte[] s1 = new byte[SIZE];
            new Random(21).nextBytes(s1);
            Arrays.fill(s1, 0, 8, (byte) 0); // time 0, zero: a simple server
            byte[] answer = concat(concat(new byte[] {3}, s1), concat(c1, SERVER_BYTES));

            int endOfS2 = 1 + 2 * SIZE;
            for (int i = 0; i < endOfS2; i++) {
                assertNull(ch.readOutbound(), "C2 before S2 was complete (byte " + i + ")");
                ch.writeInbound(Unpooled.wrappedBuffer(answer, i, 1));
            }
            assertArrayEquals(s1, readOutbound(ch, SIZE), "C2 echoes S1");
            for (int i = endOfS2; i < answer.length; i++) {
                ch.writeInbound(Unpooled.wrappedBuffer(answer, i, 1));
            }

            assertCompleted(false);
            assertArrayEquals(SERVER_BYTES, capture.bytes());
            assertTrue(logs.messages(Level.WARN).isEmpty());
        }
        assertFalse(ch.finish());
    }

    @Test
    void serverWithVersionButNoDigestIsWarnedAboutAndTreatedAsSimple() {
        try (LogCapture logs = new LogCapture(ClientHandshakeHandler.class)) {
            byte[] c1 = Arrays.copyOfRange(readOutbound(ch, 1 + SIZE), 1, 1 + SIZE);
            byte[] s1 = new byte[SIZE];
            new Random(22).nextBytes(s1);
            s1[4] = 1;
            s1[5] = 2;
            s1[6] = 3;
            s1[7] = 4;

            ch.writeInbound(Unpooled.wrappedBuffer(concat(concat(new byte[] {3}, s1), c1)));

            assertArrayEquals(s1, readOutbound(ch, SIZE), "C2 echoes S1");
            assertCompleted(false);
            assertEquals(List.of("server S1 has version 1.2.3.4 but no valid server digest, continuing with the "
                    + "simple handshake [remote:embedded]"), logs.messages(Level.WARN));
        }
        assertFalse(ch.finish());
    }

    @Test
    void wrongS0ClosesTheConnection() {
        readOutbound(ch, 1 + SIZE);
        try (LogCapture logs = new LogCapture(ClientHandshakeHandler.class)) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {6, 1, 2, 3}));

            assertFalse(ch.isOpen());
            assertEquals(List.of("handshake failed [remote:embedded]: server answered RTMP version 6 in S0 "
                    + "(expected 3)"), logs.messages(Level.WARN));
        }
        assertNull(ch.readOutbound());
        assertTrue(capture.events.isEmpty());
        assertFalse(ch.finish());
    }

    @Test
    void silentServerTimesOut() {
        readOutbound(ch, 1 + SIZE); // this test needs a channel with a frozen clock
        EmbeddedChannel timed = new EmbeddedChannel();
        timed.freezeTime();
        CaptureHandler timedCapture = new CaptureHandler();
        try (LogCapture logs = new LogCapture(ClientHandshakeHandler.class)) {
            timed.pipeline().addLast(new ClientHandshakeHandler(TIMEOUT), timedCapture);
            readOutbound(timed, 1 + SIZE);
            timed.writeInbound(Unpooled.wrappedBuffer(new byte[] {3, 0}));
            timed.advanceTimeBy(4999, TimeUnit.MILLISECONDS);
            timed.runScheduledPendingTasks();
            assertTrue(timed.isOpen(), "closed before the timeout");

            timed.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            timed.runScheduledPendingTasks();

            assertFalse(timed.isOpen());
            assertEquals(List.of("handshake failed [remote:embedded]: timed out after 5000 ms awaiting S1 "
                    + "(limit 5000 ms)"), logs.messages(Level.WARN));
        }
        assertTrue(timedCapture.events.isEmpty());
        assertFalse(timed.finish());
        assertFalse(ch.finish());
    }

    private void assertCompleted(boolean digest) {
        assertEquals(List.of(new HandshakeCompleted(digest)), capture.events);
        assertNull(ch.pipeline().get(ClientHandshakeHandler.class), "handler left the pipeline");
        assertTrue(ch.isOpen());
    }

    /** S1 the way a digest server signs it, built with ffmpeg's primitives (not HandshakeDigest). */
    private static byte[] digestS1(int base, Random random) {
        byte[] s1 = new byte[SIZE];
        random.nextBytes(s1);
        Arrays.fill(s1, 0, 4, (byte) 0);
        s1[4] = 3;
        s1[5] = 5;
        s1[6] = 1;
        s1[7] = 1;
        int pos = FfmpegClientSteps.calcDigestPos(s1, base, 728, base + 4);
        byte[] digest = FfmpegClientSteps.calcDigest(s1, SIZE, pos, Arrays.copyOf(FfmpegClientSteps.SERVER_KEY, 36));
        System.arraycopy(digest, 0, s1, pos, 32);
        return s1;
    }

    /** S2 signed with HMAC(server key, C1 digest), C1's digest sitting under scheme 8. */
    private static byte[] signedS2(byte[] c1, Random random) {
        int clientPos = FfmpegClientSteps.calcDigestPos(c1, 8, 728, 12);
        byte[] key = FfmpegClientSteps.calcDigest(Arrays.copyOfRange(c1, clientPos, clientPos + 32), 32, 0,
                FfmpegClientSteps.SERVER_KEY);
        byte[] s2 = new byte[SIZE];
        random.nextBytes(s2);
        System.arraycopy(FfmpegClientSteps.calcDigest(s2, SIZE - 32, 0, key), 0, s2, SIZE - 32, 32);
        return s2;
    }

    /** Moves everything {@code from} wrote into {@code to}; whether anything moved. */
    private static boolean shuttle(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        for (ByteBuf buf = from.readOutbound(); buf != null; buf = from.readOutbound()) {
            to.writeInbound(buf);
            moved = true;
        }
        return moved;
    }

    private static byte[] readOutbound(EmbeddedChannel channel, int expectedLength) {
        ByteBuf buf = channel.readOutbound();
        assertNotNull(buf, "nothing written");
        try {
            assertEquals(expectedLength, buf.readableBytes());
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }
}
