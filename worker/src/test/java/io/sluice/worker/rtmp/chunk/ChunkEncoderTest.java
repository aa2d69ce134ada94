package io.sluice.worker.rtmp.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class ChunkEncoderTest {

    private static String encodeAll(RawMessage... messages) {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkEncoder());
        StringBuilder hex = new StringBuilder();
        for (RawMessage m : messages) {
            ch.writeOutbound(m);
            ByteBuf b = ch.readOutbound();
            hex.append(ByteBufUtil.hexDump(b)).append('|');
            b.release();
        }
        assertFalse(ch.finish());
        return hex.toString();
    }

    private static ByteBuf bytes(int... values) {
        ByteBuf b = Unpooled.buffer();
        for (int v : values) {
            b.writeByte(v);
        }
        return b;
    }

    @Test
    void compressesHeadersLikeTheSpecExample() {
        // Spec 5.3.2.1: a steady audio stream goes type 0, type 2, then type 3.
        String wire = encodeAll(
                new RawMessage(4, 1000, 8, 1, bytes(1, 2)),
                new RawMessage(4, 1033, 8, 1, bytes(3, 4)),
                new RawMessage(4, 1066, 8, 1, bytes(5, 6)),
                new RawMessage(4, 1070, 8, 1, bytes(7)),
                new RawMessage(4, 1000, 8, 1, bytes(8)));
        assertEquals("040003e8000002080100000001 02|".replace(" ", "")
                + "8400002103 04|".replace(" ", "")
                + "c40506|"
                + "440000040000010807|"
                + "040003e80000010801000000" + "08|", wire);
    }

    @Test
    void writesTwoAndThreeByteBasicHeaders() {
        String wire = encodeAll(
                new RawMessage(64, 0, 20, 0, bytes(0)),
                new RawMessage(319, 0, 20, 0, bytes(0)),
                new RawMessage(320, 0, 20, 0, bytes(0)),
                new RawMessage(65599, 0, 20, 0, bytes(0)));
        String[] parts = wire.split("\\|");
        assertEquals("0000", parts[0].substring(0, 4));
        assertEquals("00ff", parts[1].substring(0, 4));
        assertEquals("010001", parts[2].substring(0, 6));
        assertEquals("01ffff", parts[3].substring(0, 6));
    }

    @Test
    void setChunkSizeChangesHowLaterMessagesAreCut() {
        byte[] body = new byte[300];
        String wire = encodeAll(
                new RawMessage(6, 0, 9, 1, Unpooled.wrappedBuffer(body)),
                new RawMessage(2, 0, 1, 0, Unpooled.buffer().writeInt(4096)),
                new RawMessage(6, 0, 9, 1, Unpooled.wrappedBuffer(body)));
        String[] parts = wire.split("\\|");
        // 300 bytes at 128 per chunk: header 12 + 300 + two 1-byte continuation headers.
        assertEquals((12 + 300 + 2) * 2, parts[0].length());
        // After the change: one chunk, and a type-3 header since nothing else changed... but the
        // timestamp delta (0) equals the first message's field (0), so type 3 is right.
        assertEquals((1 + 300) * 2, parts[2].length());
    }

    @Test
    void roundTripThroughTheDecoderWithEveryHeaderType() {
        List<RawMessage> messages = RoundTrip.sampleMessages(new Random(5), 200);
        byte[] wire = RoundTrip.encode(messages, 128);
        EmbeddedChannel dec = new EmbeddedChannel(new ChunkDecoder(1 << 20, 16));
        dec.writeInbound(Unpooled.wrappedBuffer(wire));
        RoundTrip.assertSameMessages(messages, RoundTrip.drain(dec));
        assertFalse(dec.finish());
        messages.forEach(RawMessage::release);
    }

    @Test
    void standaloneEncodingDecodesOnAnyConnection() {
        byte[] body = new byte[70_000];
        new Random(9).nextBytes(body);
        ByteBuf payload = Unpooled.wrappedBuffer(body);
        ByteBuf encoded = ChunkWriter.encodeStandalone(UnpooledByteBufAllocator.DEFAULT,
                ChunkStreamIds.VIDEO, 0x1_2345_6789L, 9, 1, payload, 60_000);
        assertEquals(ChunkWriter.encodedLength(0, 7, 0x2345_6789L, 70_000, 60_000), encoded.readableBytes());
        EmbeddedChannel dec = new EmbeddedChannel(new ChunkDecoder(1 << 20, 16));
        dec.writeInbound(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("02000000000004010000000000" + "00ea60")));
        RawMessage set = dec.readInbound();
        set.release();
        dec.writeInbound(encoded);
        RawMessage m = dec.readInbound();
        assertEquals(0x2345_6789L, m.timestamp(), "timestamps are 32-bit");
        assertEquals(ByteBufUtil.hexDump(payload), ByteBufUtil.hexDump(m.payload()));
        m.release();
        assertFalse(dec.finish());
    }
}
