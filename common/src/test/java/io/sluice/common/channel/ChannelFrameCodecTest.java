package io.sluice.common.channel;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.sluice.common.channel.ChannelTestSupport.LogCapture;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;

import static io.sluice.common.channel.ChannelTestSupport.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ChannelFrameEncoder} and {@link ChannelFrameDecoder}. */
class ChannelFrameCodecTest {

    private static final List<Envelope> SAMPLES = List.of(
            new Request(1, "stream.locate", "live/cam1", ChannelJson.parse("{\"app\":\"live\",\"name\":\"cam1\"}")),
            Response.ok(1, ChannelJson.parse("{\"workerId\":2,\"relay\":\"/run/worker-2.sock\"}")),
            Response.error(2, ErrorCode.NOT_FOUND, "no stream live/cam9"),
            new Notification("stream.published", "live/cam1", ChannelJson.parse("{\"workerId\":2}")),
            new Request(3, "worker.ping", null, null),
            new Notification("worker.running", null, ChannelJson.parse("{\"text\":\"h\u00e9llo \u2603\"}")));

    /** Encodes every sample; returns all the frames as one buffer (the caller releases it). */
    private static ByteBuf encodeAll(List<Envelope> envelopes) {
        EmbeddedChannel encoder = new EmbeddedChannel(new ChannelFrameEncoder());
        for (Envelope envelope : envelopes) {
            assertTrue(encoder.writeOutbound(envelope));
        }
        ByteBuf all = Unpooled.buffer();
        ByteBuf frame;
        while ((frame = encoder.readOutbound()) != null) {
            all.writeBytes(frame);
            frame.release();
        }
        assertFalse(encoder.finish());
        return all;
    }

    private static List<Object> drainInbound(EmbeddedChannel ch) {
        List<Object> out = new ArrayList<>();
        Object msg;
        while ((msg = ch.readInbound()) != null) {
            out.add(msg);
        }
        return out;
    }

    @Test
    void encoderWritesLengthPrefixAndCompactUtf8Json() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelFrameEncoder());
        ch.writeOutbound(new Request(7, "stream.locate", "h\u00e9", null));
        ByteBuf frame = ch.readOutbound();
        try {
            String expected = "{\"id\":7,\"method\":\"stream.locate\",\"handlerId\":\"h\u00e9\"}";
            byte[] payload = expected.getBytes(StandardCharsets.UTF_8);
            assertEquals(payload.length, frame.readInt(), "big-endian byte length, not char count");
            assertEquals(expected, frame.toString(StandardCharsets.UTF_8));
        } finally {
            frame.release();
        }
        assertFalse(ch.finish());
    }

    @Test
    void allShapesRoundTripThroughEncoderAndDecoder() {
        ByteBuf all = encodeAll(SAMPLES);
        EmbeddedChannel decoder = new EmbeddedChannel(new ChannelFrameDecoder());
        decoder.writeInbound(all);
        assertEquals(SAMPLES, drainInbound(decoder));
        assertFalse(decoder.finish());
    }

    @Test
    void decodesFedOneByteAtATime() {
        ByteBuf all = encodeAll(SAMPLES);
        EmbeddedChannel decoder = new EmbeddedChannel(new ChannelFrameDecoder());
        List<Object> decoded = new ArrayList<>();
        while (all.isReadable()) {
            decoder.writeInbound(all.readRetainedSlice(1));
            decoded.addAll(drainInbound(decoder));
        }
        all.release();
        assertEquals(SAMPLES, decoded);
        assertFalse(decoder.finish());
    }

    @Test
    void decodesRandomSplits() {
        Random random = new Random(42);
        for (int round = 0; round < 50; round++) {
            ByteBuf all = encodeAll(SAMPLES);
            EmbeddedChannel decoder = new EmbeddedChannel(new ChannelFrameDecoder());
            List<Object> decoded = new ArrayList<>();
            while (all.isReadable()) {
                int n = Math.min(all.readableBytes(), 1 + random.nextInt(80));
                decoder.writeInbound(all.readRetainedSlice(n));
                decoded.addAll(drainInbound(decoder));
            }
            all.release();
            assertEquals(SAMPLES, decoded, "round " + round);
            assertFalse(decoder.finish());
        }
    }

    @Test
    void frameOfExactlyTheLimitIsAccepted() {
        String json = "{\"event\":\"worker.running\"}";
        int length = json.getBytes(StandardCharsets.UTF_8).length;
        EmbeddedChannel decoder = new EmbeddedChannel(new ChannelFrameDecoder(length));
        decoder.writeInbound(frame(json));
        assertEquals(new Notification("worker.running", null, null), decoder.readInbound());
        assertTrue(decoder.isOpen());
        assertFalse(decoder.finish());
    }

    @Test
    void lengthPrefixOverTheLimitClosesTheChannelWithOneWarning() {
        try (LogCapture log = new LogCapture(ChannelFrameDecoder.class, Level.WARN)) {
            EmbeddedChannel decoder = new EmbeddedChannel(new ChannelFrameDecoder());
            ByteBuf in = Unpooled.buffer();
            in.writeInt(ChannelFrameDecoder.DEFAULT_MAX_FRAME_LENGTH + 1);
            in.writeBytes(new byte[64]); // what follows is never read as a frame
            decoder.writeInbound(in);
            assertFalse(decoder.isOpen());
            assertNull(decoder.readInbound());
            List<String> warnings = log.messages(Level.WARN);
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("length:4194305, limit:4194304"), warnings.get(0));
            assertFalse(decoder.finish());
        }
    }

    @Test
    void lengthPrefixIsUnsigned() {
        EmbeddedChannel decoder = new EmbeddedChannel(new ChannelFrameDecoder());
        decoder.writeInbound(Unpooled.buffer().writeInt(0xFFFF_FFFF));
        assertFalse(decoder.isOpen(), "0xFFFFFFFF is 4 GiB, not -1");
        assertFalse(decoder.finish());
    }

    @Test
    void invalidJsonBecomesMalformedFrameAndDecodingGoesOn() {
        EmbeddedChannel decoder = new EmbeddedChannel(new ChannelFrameDecoder());
        ByteBuf in = Unpooled.buffer();
        in.writeBytes(frame("{\"id\":1,\"method\":"));   // cut short
        in.writeBytes(frame("{\"event\":\"worker.running\"} {")); // trailing garbage
        in.writeBytes(frame(""));                                   // empty
        in.writeBytes(frame("{\"id\":4,\"method\":[]}"));          // request shape, bad method, usable id
        in.writeBytes(frame("{\"event\":\"stream.published\"}"));
        in.writeBytes(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 2, (byte) 0xC3, 0x28})); // invalid UTF-8
        decoder.writeInbound(in);
        List<Object> out = drainInbound(decoder);
        assertEquals(6, out.size(), out.toString());
        for (int i : new int[] {0, 1, 2, 5}) {
            MalformedFrame malformed = assertInstanceOf(MalformedFrame.class, out.get(i));
            assertEquals(OptionalLong.empty(), malformed.requestId(), malformed.problem());
        }
        assertEquals(OptionalLong.of(4), ((MalformedFrame) out.get(3)).requestId());
        assertEquals(new Notification("stream.published", null, null), out.get(4));
        assertTrue(decoder.isOpen());
        assertFalse(decoder.finish());
    }

    @Test
    void malformedFrameProblemCarriesNoPayload() {
        EmbeddedChannel decoder = new EmbeddedChannel(new ChannelFrameDecoder());
        decoder.writeInbound(frame("{\"secret\":\"hunter2\", oops}"));
        MalformedFrame malformed = decoder.readInbound();
        assertFalse(malformed.problem().contains("hunter2"), malformed.problem());
        assertTrue(malformed.problem().startsWith("invalid JSON"), malformed.problem());
        assertFalse(decoder.finish());
    }

    @Test
    void encoderRefusesEnvelopeOverTheLimit() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelFrameEncoder(32));
        JsonNode big = ChannelJson.toTree("x".repeat(64));
        ChannelFuture written = ch.writeOneOutbound(new Notification("stream.published", "live/cam1", big));
        ch.flushOutbound();
        assertTrue(written.isDone());
        EncoderException failure = assertInstanceOf(EncoderException.class, written.cause());
        TooLongFrameException tooLong = assertInstanceOf(TooLongFrameException.class, failure.getCause());
        assertTrue(tooLong.getMessage().contains("limit of 32 bytes"), tooLong.getMessage());
        assertTrue(tooLong.getMessage().contains("stream.published"), tooLong.getMessage());
        assertNull(ch.readOutbound());
        assertFalse(ch.finish());
    }
}
