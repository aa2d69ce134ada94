package io.sluice.worker.rtmp.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.sluice.worker.media.MediaTag;
import io.sluice.worker.media.MediaTagReader;
import io.sluice.worker.rtmp.amf.EcmaArray;
import io.sluice.worker.rtmp.chunk.ChunkDecoder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decodes the bytes a real ffmpeg sent when publishing (golden/ffmpeg-publish.hex, annotated
 * at every chunk boundary), whole, one byte at a time and in random splits.
 */
class FfmpegPublishGoldenTest {

    static byte[] golden() throws IOException {
        try (InputStream in = FfmpegPublishGoldenTest.class.getResourceAsStream("/golden/ffmpeg-publish.hex")) {
            StringBuilder hex = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                int comment = line.indexOf('#');
                hex.append(comment >= 0 ? line.substring(0, comment) : line);
            }
            return ByteBufUtil.decodeHexDump(hex.toString().replaceAll("\\s", ""));
        }
    }

    private static List<Object> decode(byte[] wire, int seed) {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(1 << 20, 64), new MessageDecoder());
        Random random = new Random(seed);
        int i = 0;
        while (i < wire.length) {
            int n = seed == 0 ? wire.length : seed == 1 ? 1 : 1 + random.nextInt(Math.min(400, wire.length - i));
            ch.writeInbound(Unpooled.wrappedBuffer(wire, i, n));
            i += n;
        }
        List<Object> out = new ArrayList<>();
        Object m;
        while ((m = ch.readInbound()) != null) {
            out.add(m);
        }
        assertFalse(ch.finish());
        return out;
    }

    @Test
    void decodesTheSameMessagesHoweverTheBytesAreSplit() throws IOException {
        byte[] wire = golden();
        for (int seed = 0; seed < 12; seed++) {
            List<Object> messages = decode(wire, seed);
            try {
                check(messages);
            } finally {
                messages.forEach(ReferenceCountUtil::release);
            }
        }
    }

    private static void check(List<Object> m) {
        assertEquals(12, m.size(), m.toString());
        CommandMessage connect = assertInstanceOf(CommandMessage.class, m.get(0));
        assertEquals("connect", connect.name());
        assertEquals(1.0, connect.transactionId());
        assertEquals("live", connect.commandProperty("app"));
        assertEquals("rtmp://127.0.0.1:19351/live", connect.commandProperty("tcUrl"));
        assertEquals("FMLE/3.0 (compatible; Lavf59.27.100)", connect.commandProperty("flashVer"));
        assertEquals(new SetChunkSize(60000), m.get(1));
        assertCommand(m.get(2), "releaseStream", 0, "golden");
        assertCommand(m.get(3), "FCPublish", 0, "golden");
        assertCommand(m.get(4), "createStream", 0, null);
        CommandMessage publish = assertCommand(m.get(5), "publish", 1, "golden");
        assertEquals("live", publish.stringArgument(1));

        DataMessage meta = assertInstanceOf(DataMessage.class, m.get(6));
        assertEquals("@setDataFrame", meta.name());
        assertEquals("onMetaData", meta.values().get(1));
        Map<?, ?> props = assertInstanceOf(EcmaArray.class, meta.values().get(2));
        assertEquals(64.0, props.get("width"));
        assertEquals(48.0, props.get("height"));
        assertEquals(7.0, props.get("videocodecid"));

        MediaTag videoConfig = tag(m.get(7), MessageType.VIDEO);
        assertEquals("avc1", videoConfig.codec());
        assertTrue(videoConfig.sequenceHeader());
        MediaTag audioConfig = tag(m.get(8), MessageType.AUDIO);
        assertEquals("mp4a", audioConfig.codec());
        assertTrue(audioConfig.sequenceHeader());
        assertFalse(tag(m.get(9), MessageType.AUDIO).sequenceHeader());
        assertTrue(tag(m.get(10), MessageType.VIDEO).keyframe(), "ffmpeg starts with a key frame");
        assertEquals(2119, ((MediaMessage) m.get(10)).payload().readableBytes());
        assertEquals(MessageType.AUDIO, ((MediaMessage) m.get(11)).type());
        for (int i = 7; i < 12; i++) {
            assertEquals(1, ((MediaMessage) m.get(i)).streamId());
        }
    }

    private static CommandMessage assertCommand(Object o, String name, int streamId, String firstArgument) {
        CommandMessage c = assertInstanceOf(CommandMessage.class, o);
        assertEquals(name, c.name());
        assertEquals(streamId, c.streamId());
        if (firstArgument != null) {
            assertEquals(firstArgument, c.stringArgument(0));
        }
        return c;
    }

    private static MediaTag tag(Object o, MessageType type) {
        MediaMessage media = assertInstanceOf(MediaMessage.class, o);
        assertEquals(type, media.type());
        ByteBuf p = media.payload();
        return MediaTagReader.inspect(type.id(), p);
    }
}
