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
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandshakeHandlerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** Stands for the chunk stream that follows C2: ffmpeg sends its connect in the same segment. */
    private static final byte[] CONNECT = "\u0003connect-chunk-after-C2".getBytes(StandardCharsets.ISO_8859_1);

    private final CaptureHandler capture = new CaptureHandler();
    private final EmbeddedChannel ch = new EmbeddedChannel(new HandshakeHandler(TIMEOUT), capture);

    @Test
    void simpleHandshakeEchoesC1AndForwardsWhatFollowsC2() {
        byte[] c0c1 = simpleC0C1(new Random(1));
        ch.writeInbound(Unpooled.wrappedBuffer(c0c1));

        byte[] answer = readAnswer();
        assertEquals(3, answer[0], "S0");
        byte[] s1 = Arrays.copyOfRange(answer, 1, 1 + SIZE);
        assertArrayEquals(new byte[8], Arrays.copyOf(s1, 8), "S1 time and zero fields");
        assertArrayEquals(Arrays.copyOfRange(c0c1, 1, 1 + SIZE), Arrays.copyOfRange(answer, 1 + SIZE, answer.length),
                "S2 echoes C1");
        assertTrue(capture.events.isEmpty(), "no completion before C2");

        ch.writeInbound(Unpooled.wrappedBuffer(concat(s1, CONNECT)));

        assertCompleted(false);
        assertArrayEquals(CONNECT, capture.bytes());
        assertFalse(ch.finish());
    }

    @ParameterizedTest(name = "C1 digest scheme base {0}")
    @ValueSource(ints = {8, 772})
    void digestAnswerPassesFfmpegPlayerChecks(int base) {
        Random random = new Random(base);
        FfmpegClientSteps.ClientHello hello = FfmpegClientSteps.clientHello(base, random);
        ch.writeInbound(Unpooled.wrappedBuffer(hello.c0c1()));

        byte[] answer = readAnswer();
        int serverPos = FfmpegClientSteps.verifyServerHello(hello, answer);
        // Our S1 is signed under the scheme the client chose.
        assertTrue(serverPos >= base + 4 && serverPos < base + 4 + 728, "server digest at " + serverPos);
        assertNull(ch.readOutbound(), "S0+S1+S2 leave in a single write");

        byte[] c2 = FfmpegClientSteps.clientResponse(answer, serverPos, random);
        ch.writeInbound(Unpooled.wrappedBuffer(concat(c2, CONNECT)));

        assertCompleted(true);
        assertArrayEquals(CONNECT, capture.bytes());
        assertEquals(List.of("event", "bytes"), capture.arrivals, "completion event before the leftover bytes");
        assertFalse(ch.finish());
    }

    @Test
    void bytesArrivingOneAtATime() {
        Random random = new Random(7);
        FfmpegClientSteps.ClientHello hello = FfmpegClientSteps.clientHello(8, random);
        byte[] c0c1 = hello.c0c1();
        for (int i = 0; i < c0c1.length; i++) {
            assertNull(ch.readOutbound(), "answered before C1 was complete (byte " + i + ")");
            ch.writeInbound(Unpooled.wrappedBuffer(c0c1, i, 1));
        }
        byte[] answer = readAnswer();
        int serverPos = FfmpegClientSteps.verifyServerHello(hello, answer);

        byte[] rest = concat(FfmpegClientSteps.clientResponse(answer, serverPos, random), CONNECT);
        for (int i = 0; i < rest.length; i++) {
            ch.writeInbound(Unpooled.wrappedBuffer(rest, i, 1));
            assertEquals(i >= SIZE - 1, !capture.events.isEmpty(), "completion after byte " + i);
        }

        assertCompleted(true);
        assertArrayEquals(CONNECT, capture.bytes());
        assertFalse(ch.finish());
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18})
    void bytesArrivingInRandomSplits(long seed) {
        Random random = new Random(seed);
        FfmpegClientSteps.ClientHello hello = FfmpegClientSteps.clientHello(random.nextBoolean() ? 8 : 772, random);
        writeInRandomSplits(hello.c0c1(), random);
        byte[] answer = readAnswer();
        int serverPos = FfmpegClientSteps.verifyServerHello(hello, answer);

        byte[] after = new byte[1 + random.nextInt(5000)];
        random.nextBytes(after);
        writeInRandomSplits(concat(FfmpegClientSteps.clientResponse(answer, serverPos, random), after), random);

        assertCompleted(true);
        assertArrayEquals(after, capture.bytes());
        assertFalse(ch.finish());
    }

    @Test
    void c1WithVersionButNoDigestFallsBackToSimpleHandshake() {
        Random random = new Random(3);
        byte[] c0c1 = new byte[1 + SIZE];
        random.nextBytes(c0c1);
        c0c1[0] = 3;
        c0c1[5] = 10; // a version, but no digest under either scheme
        ch.writeInbound(Unpooled.wrappedBuffer(c0c1));

        byte[] answer = readAnswer();
        assertArrayEquals(Arrays.copyOfRange(c0c1, 1, 1 + SIZE), Arrays.copyOfRange(answer, 1 + SIZE, answer.length),
                "S2 echoes C1");
        ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(answer, 1, 1 + SIZE)));

        assertCompleted(false);
        assertFalse(ch.finish());
    }

    @Test
    void unexpectedC2IsAcceptedAndLoggedAtDebug() {
        try (LogCapture logs = new LogCapture(HandshakeHandler.class, Level.DEBUG)) {
            FfmpegClientSteps.ClientHello hello = FfmpegClientSteps.clientHello(8, new Random(5));
            ch.writeInbound(Unpooled.wrappedBuffer(hello.c0c1()));
            readAnswer();
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[SIZE])); // zeros: neither echo nor signed

            assertCompleted(true);
            assertTrue(logs.messages(Level.DEBUG).stream().anyMatch(m -> m.startsWith("C2 is not the expected")),
                    logs.messages(Level.DEBUG).toString());
            assertTrue(logs.messages(Level.WARN).isEmpty());
        }
        assertFalse(ch.finish());
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {6, 8})
    void encryptedRtmpeIsRefusedAtTheFirstByte(int version) {
        try (LogCapture logs = new LogCapture(HandshakeHandler.class)) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) version}));

            assertFalse(ch.isOpen());
            assertEquals(List.of("handshake failed [remote:embedded]: encrypted RTMPE handshake (version "
                    + version + ") is not supported"), logs.messages(Level.WARN));
            assertEquals(List.of(ch.id().asShortText()), logs.mdc(Level.WARN, ConnectionLogUtil.MDC_CONN));
        }
        assertNull(ch.readOutbound(), "nothing answered");
        assertTrue(capture.events.isEmpty());
        assertFalse(ch.finish());
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {0, 2, 4, 31, 'G', 0xFF})
    void unknownVersionsCloseTheConnection(int version) {
        try (LogCapture logs = new LogCapture(HandshakeHandler.class)) {
            byte[] garbage = ("GET / HTTP/1.1\r\n").getBytes(StandardCharsets.US_ASCII);
            garbage[0] = (byte) version;
            ch.writeInbound(Unpooled.wrappedBuffer(garbage));

            assertFalse(ch.isOpen());
            List<String> warnings = logs.messages(Level.WARN);
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).startsWith("handshake failed [remote:embedded]: unsupported RTMP version "
                    + version + " in C0"), warnings.get(0));
        }
        assertNull(ch.readOutbound());
        assertEquals(0, capture.bytes().length, "garbage never reaches the next handler");
        assertFalse(ch.finish());
    }

    @Test
    void timeoutClosesWithOneWarning() {
        // A frozen clock from before the handler joins, so the elapsed time in the line is exact.
        EmbeddedChannel timed = new EmbeddedChannel();
        timed.freezeTime();
        CaptureHandler timedCapture = new CaptureHandler();
        timed.pipeline().addLast(new HandshakeHandler(TIMEOUT), timedCapture);
        try (LogCapture logs = new LogCapture(HandshakeHandler.class)) {
            timed.writeInbound(Unpooled.wrappedBuffer(new byte[] {3, 0, 0}));
            timed.advanceTimeBy(4999, TimeUnit.MILLISECONDS);
            timed.runScheduledPendingTasks();
            assertTrue(timed.isOpen(), "closed before the timeout");

            timed.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            timed.runScheduledPendingTasks();

            assertFalse(timed.isOpen());
            assertEquals(List.of("handshake failed [remote:embedded]: timed out after 5000 ms awaiting C1 "
                    + "(limit 5000 ms)"), logs.messages(Level.WARN));
        }
        assertTrue(timedCapture.events.isEmpty());
        assertNull(timed.readOutbound());
        assertFalse(timed.finish());
        assertFalse(ch.finish());
    }

    @Test
    void completionCancelsTheTimeout() {
        try (LogCapture logs = new LogCapture(HandshakeHandler.class)) {
            byte[] c0c1 = simpleC0C1(new Random(9));
            ch.writeInbound(Unpooled.wrappedBuffer(c0c1));
            byte[] answer = readAnswer();
            ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(answer, 1, 1 + SIZE)));
            assertCompleted(false);

            ch.advanceTimeBy(1, TimeUnit.MINUTES);
            ch.runScheduledPendingTasks();

            assertTrue(ch.isOpen());
            assertTrue(logs.messages(Level.WARN).isEmpty(), logs.messages(Level.WARN).toString());
        }
        assertFalse(ch.finish());
    }

    @Test
    void rejectsNonPositiveTimeout() {
        assertThrows(IllegalArgumentException.class, () -> new HandshakeHandler(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new HandshakeHandler(Duration.ofSeconds(-1)));
        assertFalse(ch.finish());
    }

    private void assertCompleted(boolean digest) {
        assertEquals(List.of(new HandshakeCompleted(digest)), capture.events);
        assertNull(ch.pipeline().get(HandshakeHandler.class), "handler left the pipeline");
        assertNotNull(ch.pipeline().get(CaptureHandler.class));
        assertTrue(ch.isOpen());
    }

    /** Reads S0+S1+S2, which must be exactly one outbound buffer. */
    private byte[] readAnswer() {
        ByteBuf buf = ch.readOutbound();
        assertNotNull(buf, "no S0+S1+S2 written");
        try {
            assertEquals(1 + 2 * SIZE, buf.readableBytes(), "S0+S1+S2 in one buffer");
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    private void writeInRandomSplits(byte[] data, Random random) {
        int offset = 0;
        while (offset < data.length) {
            int length = Math.min(data.length - offset, 1 + random.nextInt(700));
            ch.writeInbound(Unpooled.wrappedBuffer(data, offset, length));
            offset += length;
        }
    }

    /** C0+C1 of a simple-handshake client (librtmp without FP9, OBS): time 0, zero version. */
    private static byte[] simpleC0C1(Random random) {
        byte[] c0c1 = new byte[1 + SIZE];
        random.nextBytes(c0c1);
        c0c1[0] = 3;
        Arrays.fill(c0c1, 1, 9, (byte) 0);
        return c0c1;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
