package io.sluice.worker.rtmp.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.sluice.worker.rtmp.RtmpProtocolException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkDecoderTest {

    private static EmbeddedChannel decoder() {
        return new EmbeddedChannel(new ChunkDecoder(1 << 20, 8));
    }

    private static byte[] hex(String s) {
        return ByteBufUtil.decodeHexDump(s.replaceAll("[\\s|]", ""));
    }

    private static RawMessage read(EmbeddedChannel ch) {
        Object o = ch.readInbound();
        return o == null ? null : assertInstanceOf(RawMessage.class, o);
    }

    private static byte[] payloadOf(RawMessage m) {
        try {
            return ByteBufUtil.getBytes(m.payload());
        } finally {
            m.release();
        }
    }

    @Test
    void typeZeroThenOneTwoThreeHeaders() {
        EmbeddedChannel ch = decoder();
        // fmt 0, csid 4: ts 1000, length 3, type 9 (video), stream 1 (little-endian)
        // | fmt 1, csid 4: delta 40, length 2, type 8
        // | fmt 2, csid 4: delta 33 (length 2, type 8 kept)
        // | fmt 3, csid 4: new message, delta 33 again
        ch.writeInbound(Unpooled.wrappedBuffer(hex(
                "04 0003e8 000003 09 01000000 | aabbcc"
                        + "44 000028 000002 08 | 0102"
                        + "84 000021 | 0304"
                        + "c4 | 0506")));
        RawMessage m1 = read(ch);
        assertEquals(4, m1.chunkStreamId());
        assertEquals(1000, m1.timestamp());
        assertEquals(9, m1.typeId());
        assertEquals(1, m1.streamId());
        assertArrayEquals(hex("aabbcc"), payloadOf(m1));

        RawMessage m2 = read(ch);
        assertEquals(1040, m2.timestamp());
        assertEquals(8, m2.typeId());
        assertEquals(1, m2.streamId());
        assertArrayEquals(hex("0102"), payloadOf(m2));

        RawMessage m3 = read(ch);
        assertEquals(1073, m3.timestamp());
        assertArrayEquals(hex("0304"), payloadOf(m3));

        RawMessage m4 = read(ch);
        assertEquals(1106, m4.timestamp());
        assertArrayEquals(hex("0506"), payloadOf(m4));
        assertNull(read(ch));
        assertFalse(ch.finish());
    }

    @Test
    void typeThreeAfterTypeZeroAddsTheTypeZeroTimestamp() {
        // Spec 5.3.1.2.4: after a type 0, the delta a type 3 implies is the type 0's timestamp.
        EmbeddedChannel ch = decoder();
        ch.writeInbound(Unpooled.wrappedBuffer(hex("03 000014 000001 14 00000000 | 05  c3 | 06")));
        RawMessage a = read(ch);
        RawMessage b = read(ch);
        assertEquals(20, a.timestamp());
        assertEquals(40, b.timestamp());
        a.release();
        b.release();
        assertFalse(ch.finish());
    }

    @Test
    void messageSpanningChunksUsesTypeThreeContinuations() {
        EmbeddedChannel ch = decoder();
        byte[] body = new byte[300];
        new Random(1).nextBytes(body);
        ByteBuf in = Unpooled.buffer();
        in.writeBytes(hex("06 000000 00012c 09 01000000"));
        in.writeBytes(body, 0, 128);
        in.writeByte(0xc6);
        in.writeBytes(body, 128, 128);
        in.writeByte(0xc6);
        in.writeBytes(body, 256, 44);
        ch.writeInbound(in);
        RawMessage m = read(ch);
        assertArrayEquals(body, payloadOf(m));
        assertNull(read(ch));
        assertFalse(ch.finish());
    }

    @Test
    void twoAndThreeByteChunkStreamIds() {
        EmbeddedChannel ch = decoder();
        // csid 64 (2-byte form, second byte 0), 319 (2-byte, 0xff), 320 (3-byte: 01 00 01),
        // 65599 (3-byte: ff ff). A decoder that computes (b1 & 0xff + 64) wrongly fails here.
        ch.writeInbound(Unpooled.wrappedBuffer(hex(
                "00 00 | 000000 000001 08 00000000 | 11"
                        + "00 ff | 000000 000001 08 00000000 | 22"
                        + "01 00 01 | 000000 000001 08 00000000 | 33"
                        + "01 ff ff | 000000 000001 08 00000000 | 44"
                        + "41 ff ff | 000005 000001 08 | 55")));
        int[] expected = {64, 319, 320, 65599, 65599};
        for (int csid : expected) {
            RawMessage m = read(ch);
            assertEquals(csid, m.chunkStreamId());
            m.release();
        }
        assertFalse(ch.finish());
    }

    @Test
    void extendedTimestampOnTypeZeroAndOnTypeThreeContinuations() {
        EmbeddedChannel ch = decoder();
        byte[] body = new byte[200];
        ByteBuf in = Unpooled.buffer();
        // ts 0x01000000 does not fit 24 bits: field 0xffffff + 4-byte extended timestamp,
        // repeated after the type-3 basic header of the continuation chunk (ffmpeg, FMS).
        in.writeBytes(hex("06 ffffff 0000c8 09 01000000 01000000"));
        in.writeBytes(body, 0, 128);
        in.writeBytes(hex("c6 01000000"));
        in.writeBytes(body, 128, 72);
        // Next message: type 3 that starts a message, so delta = 0x01000000, extended again.
        in.writeBytes(hex("c6 01000000"));
        in.writeBytes(body, 0, 128);
        in.writeBytes(hex("c6 01000000"));
        in.writeBytes(body, 128, 72);
        ch.writeInbound(in);
        RawMessage a = read(ch);
        RawMessage b = read(ch);
        assertEquals(0x01000000L, a.timestamp());
        assertEquals(200, a.payload().readableBytes());
        assertEquals(0x02000000L, b.timestamp());
        assertEquals(200, b.payload().readableBytes());
        a.release();
        b.release();
        assertFalse(ch.finish());
    }

    @Test
    void continuationWithoutRepeatedExtendedTimestampIsTolerated() {
        // Some encoders leave the extended timestamp out of type-3 continuation chunks.
        EmbeddedChannel ch = decoder();
        byte[] body = new byte[200];
        new Random(7).nextBytes(body);
        body[128] = 0x11; // not equal to the extended timestamp's first byte
        ByteBuf in = Unpooled.buffer();
        in.writeBytes(hex("06 ffffff 0000c8 09 01000000 01000000"));
        in.writeBytes(body, 0, 128);
        in.writeByte(0xc6);
        in.writeBytes(body, 128, 72);
        ch.writeInbound(in);
        RawMessage m = read(ch);
        assertArrayEquals(body, payloadOf(m));
        assertFalse(ch.finish());
    }

    @Test
    void setChunkSizeAppliesToTheNextChunk() {
        EmbeddedChannel ch = decoder();
        byte[] body = new byte[300];
        new Random(3).nextBytes(body);
        ByteBuf in = Unpooled.buffer();
        in.writeBytes(hex("02 000000 000004 01 00000000 00000200")); // Set Chunk Size 512
        in.writeBytes(hex("06 000000 00012c 09 01000000"));
        in.writeBytes(body); // one chunk now
        ch.writeInbound(in);
        RawMessage set = read(ch);
        assertEquals(1, set.typeId());
        set.release();
        assertEquals(512, ((ChunkDecoder) ch.pipeline().first()).chunkSize());
        assertArrayEquals(body, payloadOf(read(ch)));
        assertFalse(ch.finish());
    }

    @Test
    void abortDropsTheMessageInProgress() {
        EmbeddedChannel ch = decoder();
        ByteBuf in = Unpooled.buffer();
        in.writeBytes(hex("06 000000 00012c 09 01000000"));
        in.writeBytes(new byte[128]);
        in.writeBytes(hex("02 000000 000004 02 00000000 00000006")); // Abort csid 6
        in.writeBytes(hex("06 000010 000001 09 01000000 | 7f"));     // a fresh message on csid 6
        ch.writeInbound(in);
        RawMessage abort = read(ch);
        assertEquals(2, abort.typeId());
        abort.release();
        RawMessage fresh = read(ch);
        assertEquals(16, fresh.timestamp());
        assertArrayEquals(hex("7f"), payloadOf(fresh));
        assertFalse(ch.finish());
    }

    @Test
    void zeroLengthMessageIsEmittedAtOnce() {
        EmbeddedChannel ch = decoder();
        ch.writeInbound(Unpooled.wrappedBuffer(hex("03 000000 000000 14 00000000")));
        RawMessage m = read(ch);
        assertEquals(0, m.payload().readableBytes());
        m.release();
        assertFalse(ch.finish());
    }

    @Test
    void oneByteAtATimeAndRandomSplitsGiveTheSameMessages() {
        List<RawMessage> messages = RoundTrip.sampleMessages(new Random(11), 60);
        byte[] wire = RoundTrip.encode(messages, 300);
        for (int seed = 0; seed < 20; seed++) {
            EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(1 << 20, 16));
            Random random = new Random(seed);
            int i = 0;
            while (i < wire.length) {
                int n = seed == 0 ? 1 : 1 + random.nextInt(Math.min(700, wire.length - i));
                ch.writeInbound(Unpooled.wrappedBuffer(wire, i, n));
                i += n;
            }
            RoundTrip.assertSameMessages(messages, RoundTrip.drain(ch));
            assertFalse(ch.finish());
        }
        messages.forEach(RawMessage::release);
    }

    /** What {@link #SKIM_MEDIA} passes on for an audio or video message. */
    private record MediaSummary(int chunkStreamId, long timestamp, int typeId, int streamId, int length, int head) {
    }

    /** The load generator's policy: audio and video skimmed, everything else kept. */
    private static final PayloadPolicy SKIM_MEDIA = new PayloadPolicy() {
        @Override
        public boolean skip(int typeId) {
            return typeId == 8 || typeId == 9;
        }

        @Override
        public Object skipped(int chunkStreamId, long timestamp, int typeId, int streamId, int length, int head) {
            return new MediaSummary(chunkStreamId, timestamp, typeId, streamId, length, head);
        }
    };

    @Test
    void skimmingReportsMediaWithoutKeepingItAndStillDecodesTheRest() {
        List<RawMessage> messages = RoundTrip.sampleMessages(new Random(21), 80);
        byte[] wire = RoundTrip.encode(messages, 200);
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(1 << 20, 16, SKIM_MEDIA));
        Random random = new Random(4);
        for (int i = 0; i < wire.length; ) {
            int n = 1 + random.nextInt(Math.min(300, wire.length - i));
            ch.writeInbound(Unpooled.wrappedBuffer(wire, i, n));
            i += n;
        }
        RawMessage prologue = read(ch);
        prologue.release();
        for (RawMessage expected : messages) {
            Object got = ch.readInbound();
            if (expected.typeId() == 8 || expected.typeId() == 9) {
                MediaSummary summary = assertInstanceOf(MediaSummary.class, got);
                ByteBuf p = expected.payload();
                assertEquals(expected.timestamp(), summary.timestamp());
                assertEquals(expected.typeId(), summary.typeId());
                assertEquals(expected.chunkStreamId(), summary.chunkStreamId());
                assertEquals(p.readableBytes(), summary.length());
                assertEquals(p.readableBytes() >= 2 ? p.getUnsignedShort(p.readerIndex()) : -1, summary.head());
            } else {
                RawMessage m = assertInstanceOf(RawMessage.class, got);
                assertEquals(expected.typeId(), m.typeId());
                m.release();
            }
        }
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
        messages.forEach(RawMessage::release);
    }

    @Test
    void messageOverTheLimitIsAProtocolError() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(1000, 8));
        DecoderException e = assertThrows(DecoderException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(hex("06 000000 0003e9 09 01000000"))));
        RtmpProtocolException cause = assertInstanceOf(RtmpProtocolException.class, e.getCause());
        assertTrue(cause.getMessage().contains("1001 bytes"), cause.getMessage());
        assertTrue(cause.getMessage().contains("limit of 1000"), cause.getMessage());
        // Anything after the error is ignored, not parsed as garbage headers.
        ch.writeInbound(Unpooled.wrappedBuffer(hex("03 000000 000001 14 00000000 | 05")));
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void tooManyChunkStreamsIsAProtocolError() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(1000, 2));
        ch.writeInbound(Unpooled.wrappedBuffer(hex("03 000000 000001 14 00000000 | 05")));
        ch.writeInbound(Unpooled.wrappedBuffer(hex("04 000000 000001 14 00000000 | 05")));
        DecoderException e = assertThrows(DecoderException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(hex("05 000000 000001 14 00000000 | 05"))));
        assertTrue(e.getCause().getMessage().contains("more than 2 chunk streams"), e.getMessage());
        releaseAll(ch);
    }

    @Test
    void compressedHeaderOnAFreshChunkStreamIsAProtocolError() {
        EmbeddedChannel ch = decoder();
        DecoderException e = assertThrows(DecoderException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(hex("47 000000 000001 08 | 00"))));
        assertTrue(e.getCause().getMessage().contains("type-1 header"), e.getMessage());
        assertFalse(ch.finish());
    }

    @Test
    void newHeaderInTheMiddleOfAMessageIsAProtocolError() {
        EmbeddedChannel ch = decoder();
        ByteBuf in = Unpooled.buffer();
        in.writeBytes(hex("06 000000 00012c 09 01000000"));
        in.writeBytes(new byte[128]);
        in.writeBytes(hex("06 000000 000001 09 01000000 | 00"));
        DecoderException e = assertThrows(DecoderException.class, () -> ch.writeInbound(in));
        assertTrue(e.getCause().getMessage().contains("while a message is incomplete"), e.getMessage());
        assertFalse(ch.finish());
    }

    @Test
    void invalidChunkSizeIsAProtocolError() {
        EmbeddedChannel ch = decoder();
        DecoderException e = assertThrows(DecoderException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(hex("02 000000 000004 01 00000000 80000000"))));
        assertTrue(e.getCause().getMessage().contains("invalid chunk size 2147483648"), e.getMessage());
        assertFalse(ch.finish());
    }

    @Test
    void partialMessageIsReleasedWhenTheConnectionCloses() {
        EmbeddedChannel ch = decoder();
        ByteBuf in = Unpooled.buffer();
        in.writeBytes(hex("06 000000 00012c 09 01000000"));
        in.writeBytes(new byte[100]); // less than one 128-byte chunk: the message stays incomplete
        ch.writeInbound(in);
        assertNull(ch.readInbound());
        assertFalse(ch.finish()); // the leak check fails this test if the partial buffer leaks
    }

    private static void releaseAll(EmbeddedChannel ch) {
        List<Object> left = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            left.add(o);
        }
        left.forEach(x -> ((RawMessage) x).release());
        ch.finishAndReleaseAll();
    }
}
