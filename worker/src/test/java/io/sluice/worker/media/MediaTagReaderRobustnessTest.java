package io.sluice.worker.media;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.sluice.worker.media.MediaTagReaderTest.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "The server never rejects or mangles a codec": whatever the bytes, inspection returns a tag,
 * leaves the buffer alone and never sets flags that contradict each other. Arbitrary bytes are
 * {@link MediaTagReaderFuzzTest}'s job, with these invariants ({@link #checkSafe}).
 */
class MediaTagReaderRobustnessTest {

    /** Well-formed payloads of every shape, each cut at every length below. */
    private static final List<byte[]> VIDEO_VECTORS = List.of(
            bytes(0x17, 0x00, 0, 0, 0, 0x01, 0x64, 0x00, 0x1f),
            bytes(0x27, 0x01, 0, 0, 0x42, 0, 0, 0, 5, 0x41),
            bytes(0x1c, 0x02, 0, 0, 0),
            bytes(0x57, 0x00),
            bytes(0x90, "hvc1", 0x01, 0x02),
            bytes(0xa3, "vp09", 0x31),
            bytes(0x94, "av01", 0x02, 0x00, 0x09, "colorInfo"),
            bytes(0x96, 0x20, "av01", 0x05, 0, 0, 1, 0x81, "vp09", 0x06, 0, 0, 1, 0x01),
            bytes(0x97, 0x02, 0x0f, 0x42, 0x3f, 0x06, 0x11, "avc1", 0x01, 0, 0, 1, 0x65));

    private static final List<byte[]> AUDIO_VECTORS = List.of(
            bytes(0xaf, 0x00, 0x12, 0x10),
            bytes(0xdf, 0x01, 0xfc),
            bytes(0x90, "Opus", "OpusHead"),
            bytes(0x94, "Opus", 0x01, 0x06, 0, 0, 0, 0x3f),
            bytes(0x95, 0x21, "Opus", 0x00, 0, 0, 1, 0xfc, "ac-3", 0x01, 0, 0, 1, 0x0b),
            bytes(0x97, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, "mp4a", 0x12, 0x10));

    @Test
    void everyPrefixOfEveryVectorIsSafe() {
        for (byte[] vector : VIDEO_VECTORS) {
            for (int length = 0; length <= vector.length; length++) {
                checkSafe(MediaTagReader.VIDEO_MESSAGE, Arrays.copyOf(vector, length));
            }
        }
        for (byte[] vector : AUDIO_VECTORS) {
            for (int length = 0; length <= vector.length; length++) {
                checkSafe(MediaTagReader.AUDIO_MESSAGE, Arrays.copyOf(vector, length));
            }
        }
    }

    @Test
    void truncatedEnhancedHeadersReportUnknownCodec() {
        // Cut inside the ExVideoTagHeader (before the FourCC is complete): nothing can be claimed.
        byte[] vector = bytes(0x97, 0x02, 0x0f, 0x42, 0x3f, 0x06, 0x11, "avc1", 0x01);
        for (int length = 1; length < vector.length; length++) {
            MediaTag tag = checkSafe(MediaTagReader.VIDEO_MESSAGE, Arrays.copyOf(vector, length));
            assertEquals(MediaTag.UNKNOWN_CODEC, tag.codec(), "cut at " + length);
            assertFalse(tag.keyframe(), "cut at " + length);
            assertFalse(tag.sequenceHeader(), "cut at " + length);
        }
        assertEquals("avc1", checkSafe(MediaTagReader.VIDEO_MESSAGE, vector).codec());
    }

    /** Inspects {@code payload} placed at a non-zero reader index and checks the invariants. */
    static MediaTag checkSafe(int messageType, byte[] payload) {
        ByteBuf buf = Unpooled.buffer(payload.length + 8);
        try {
            buf.writeBytes(new byte[] {0x17, 0x01, 0x00});   // junk before the reader index
            buf.readerIndex(3);
            buf.writeBytes(payload);
            int writerIndex = buf.writerIndex();
            buf.setBytes(writerIndex, new byte[] {0x00, 0x00, 0x00, 0x00});   // junk past the writer index

            MediaTag tag = MediaTagReader.inspect(messageType, buf);

            String where = "payload " + Arrays.toString(payload);
            assertEquals(3, buf.readerIndex(), where);
            assertEquals(writerIndex, buf.writerIndex(), where);
            assertEquals(messageType == MediaTagReader.AUDIO_MESSAGE ? MediaKind.AUDIO : MediaKind.VIDEO, tag.kind());
            assertFalse(tag.keyframe() && tag.droppable(), where);
            assertFalse(tag.sequenceHeader() && tag.sequenceEnd(), where);
            if (tag.kind() == MediaKind.AUDIO) {
                assertFalse(tag.keyframe() || tag.droppable(), where);
            }
            if (tag.codec().equals(MediaTag.UNKNOWN_CODEC)) {
                assertFalse(tag.droppable(), where);
            }
            if (tag.keyframe() || tag.droppable()) {
                assertTrue(tag.packetType() == PacketType.CODED_FRAMES, where);
            }
            return tag;
        } finally {
            buf.release();
        }
    }
}
