package io.sluice.bench.hostile;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.sluice.worker.rtmp.RtmpProtocolException;
import io.sluice.worker.rtmp.amf.Amf0Reader;
import io.sluice.worker.rtmp.amf.AmfException;
import io.sluice.worker.rtmp.chunk.ChunkDecoder;
import io.sluice.worker.rtmp.chunk.RawMessage;
import io.sluice.worker.rtmp.message.Acknowledgement;
import io.sluice.worker.rtmp.message.CommandMessage;
import io.sluice.worker.rtmp.message.MessageDecoder;
import io.sluice.worker.rtmp.message.SetChunkSize;
import io.sluice.worker.rtmp.message.VideoData;
import io.sluice.worker.rtmp.message.WindowAckSize;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attackers' bytes mean what the attacks say they mean: each is fed to the worker's own chunk
 * and message decoders (the server's pipeline minus the handshake and the session).
 */
class WireTest {

    private static EmbeddedChannel server(int maxMessageSize, int maxChunkStreams) {
        return new EmbeddedChannel(new ChunkDecoder(maxMessageSize, maxChunkStreams), new MessageDecoder());
    }

    private static List<Object> drain(EmbeddedChannel ch) {
        List<Object> out = new ArrayList<>();
        Object m;
        while ((m = ch.readInbound()) != null) {
            out.add(m);
        }
        return out;
    }

    @Test
    void trickledBodyCutAnywhereIsOneMessageOfTheAnnouncedLength() {
        // The trickle at a small scale: chunk size 100, a 1000-byte message, slices that straddle chunk boundaries.
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(1 << 20, 8));
        ch.writeInbound(Wire.setChunkSize(100));
        RawMessage setChunkSize = ch.readInbound();
        assertEquals(1, setChunkSize.typeId());
        setChunkSize.release();
        ch.writeInbound(Wire.header(Wire.MEDIA_CSID, 1000, Wire.VIDEO, 1));
        long offset = 0;
        for (int n : new int[] {7, 93, 1, 250, 300, 348}) {
            assertNull(ch.readInbound(), "complete before byte " + offset);
            ch.writeInbound(Wire.bodySlice(offset, n, 100, Wire.MEDIA_CSID));
            offset += n;
        }
        assertEquals(999, offset);
        assertNull(ch.readInbound(), "the trickle stops one byte short");
        ch.writeInbound(Wire.bodySlice(offset, 1, 100, Wire.MEDIA_CSID));
        RawMessage video = ch.readInbound();
        assertEquals(Wire.VIDEO, video.typeId());
        assertEquals(1000, video.payload().readableBytes());
        assertEquals(1, video.streamId());
        video.release();
        assertFalse(ch.finish());
    }

    @Test
    void theOversizedAnnouncementIsTheLargestLengthAHeaderCarries() {
        EmbeddedChannel ch = server(1 << 20, 8);
        DecoderException e = assertThrows(DecoderException.class,
                () -> ch.writeInbound(Wire.header(Wire.MEDIA_CSID, Wire.MAX_MESSAGE_LENGTH, Wire.VIDEO, 1)));
        RtmpProtocolException cause = assertInstanceOf(RtmpProtocolException.class, e.getCause());
        assertTrue(cause.getMessage().contains(Wire.MAX_MESSAGE_LENGTH + " bytes"), cause.getMessage());
        // 16 MiB itself does not fit in the 24-bit field (it would announce 0 bytes).
        assertThrows(IllegalArgumentException.class, () -> Wire.header(Wire.MEDIA_CSID, 16 << 20, Wire.VIDEO, 1));
        ch.finishAndReleaseAll();
    }

    @Test
    void deepObjectNestsAsDeepAsAsked() {
        ByteBuf ten = Wire.deepObject(10);
        Object value = Amf0Reader.read(ten);
        assertFalse(ten.isReadable());
        ten.release();
        int depth = 0;
        while (value instanceof Map<?, ?> m) {
            depth++;
            value = m.isEmpty() ? null : m.get("a");
        }
        assertEquals(10, depth);
    }

    @Test
    void deepConnectIsAConnectThatTheAmfReaderRefusesForItsDepth() {
        ByteBuf deep = Wire.deepObject(8000);
        assertEquals(7 * 8000 - 3, deep.readableBytes(), "7 bytes a level, the innermost (empty) 4");
        assertThrows(AmfException.class, () -> Amf0Reader.read(deep));
        deep.release();

        ByteBuf message = Wire.deepConnect(128, 8000);
        assertTrue(message.readableBytes() < 64 * 1024, "under a 64 KiB command limit: " + message.readableBytes());
        EmbeddedChannel ch = server(1 << 20, 8);
        DecoderException e = assertThrows(DecoderException.class, () -> ch.writeInbound(message));
        assertTrue(e.getMessage().contains("nesting deeper"), e.getMessage());
        ch.finishAndReleaseAll();
    }

    @Test
    void openChunkStreamsLeavesAMessageInProgressOnEachStreamInAllThreeIdForms() {
        // Ids 3..402: the 1-byte (..63), 2-byte (64..319) and 3-byte (320..) basic headers.
        EmbeddedChannel roomy = server(1 << 20, 1000);
        roomy.writeInbound(Wire.openChunkStreams(3, 400, 128, 129));
        assertTrue(drain(roomy).isEmpty(), "no message is complete");
        // One more byte on each stream (a type-3 header and the last byte) completes all of them.
        ByteBuf rest = Unpooled.buffer();
        for (int csid = 3; csid < 403; csid++) {
            ByteBuf one = Wire.bodySlice(128, 1, 128, csid);
            rest.writeBytes(one);
            one.release();
        }
        roomy.writeInbound(rest);
        List<Object> videos = drain(roomy);
        assertEquals(400, videos.size());
        videos.forEach(v -> {
            assertEquals(129, ((VideoData) v).payload().readableBytes());
            ReferenceCountUtil.release(v);
        });
        assertFalse(roomy.finish());

        EmbeddedChannel limited = server(1 << 20, 64);
        DecoderException e = assertThrows(DecoderException.class,
                () -> limited.writeInbound(Wire.openChunkStreams(3, 400, 128, 129)));
        assertTrue(e.getCause().getMessage().contains("more than 64 chunk streams"), e.getMessage());
        limited.finishAndReleaseAll();
    }

    @Test
    void oneByteChunkPublishDecodesToThePublishersMessages() {
        EmbeddedChannel ch = server(1 << 20, 8);
        ByteBuf wire = Unpooled.buffer();
        for (ByteBuf part : List.of(Wire.setChunkSize(1), Wire.connect(1, "live", "rtmp://127.0.0.1/live"),
                Wire.command(1, 0, "createStream", 2, null),
                Wire.command(1, 1, "publish", 0, null, "hostile-1b-7", "live"),
                Wire.message(Wire.MEDIA_CSID, 0, Wire.VIDEO, 1, Wire.videoBody(50), 1),
                Wire.nextMessage(Wire.MEDIA_CSID, 33, Wire.VIDEO, Wire.videoBody(50), 1),
                Wire.nextMessage(Wire.MEDIA_CSID, 33, Wire.VIDEO, Wire.videoBody(50), 1))) {
            wire.writeBytes(part);
            part.release();
        }
        // A header byte before every payload byte after the Set Chunk Size.
        assertTrue(wire.readableBytes() > 2 * 150, "bytes: " + wire.readableBytes());
        ch.writeInbound(wire);
        List<Object> out = drain(ch);
        assertEquals(7, out.size(), out.toString());
        assertEquals(new SetChunkSize(1), out.get(0));
        assertEquals("connect", ((CommandMessage) out.get(1)).name());
        assertEquals("live", ((CommandMessage) out.get(1)).commandProperty("app"));
        assertEquals("createStream", ((CommandMessage) out.get(2)).name());
        CommandMessage publish = (CommandMessage) out.get(3);
        assertEquals("publish", publish.name());
        assertEquals(1, publish.streamId());
        assertEquals("hostile-1b-7", publish.stringArgument(0));
        for (int i = 0; i < 3; i++) {
            VideoData v = (VideoData) out.get(4 + i);
            assertEquals(33L * i, v.timestamp());
            assertEquals(1, v.streamId());
            assertEquals(50, v.payload().readableBytes());
            assertEquals(0x27, v.payload().getUnsignedByte(0), "AVC inter frame");
            v.release();
        }
        assertFalse(ch.finish());
    }

    @Test
    void ackFloodMessagesAreAcknowledgementsAndWindowSizes() {
        EmbeddedChannel ch = server(1 << 20, 8);
        ch.writeInbound(Wire.control(Wire.ACKNOWLEDGEMENT, 5000));
        ch.writeInbound(Wire.control(Wire.WINDOW_ACK_SIZE, 1));
        assertEquals(List.of(new Acknowledgement(5000), new WindowAckSize(1)), drain(ch));
        assertFalse(ch.finish());
    }

    @Test
    void garbageNeverStartsWithAnRtmpVersion() {
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            ByteBuf g = Wire.garbage(random, 1537);
            assertEquals(1537, g.readableBytes());
            int first = g.getUnsignedByte(0);
            assertNotEquals(3, first);
            assertNotEquals(6, first);
            g.release();
        }
    }
}
