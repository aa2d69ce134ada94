package io.sluice.worker.media;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.sluice.worker.media.MediaTagReaderTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlvReaderWriterTest {

    private static final int HEADER_AND_SIZE0 = 13;

    /** type, timestamp, payload of the sample file; the timestamps exercise TimestampExtended. */
    private static final List<Object[]> SAMPLE = List.of(
            new Object[] {FlvTag.SCRIPT, 0, bytes(0x02, 0x00, 0x0a, "onMetaData", 0x05)},
            new Object[] {FlvTag.VIDEO, 0, bytes(0x17, 0x00, 0, 0, 0, 0x01, 0x64)},
            new Object[] {FlvTag.AUDIO, 0, bytes(0xaf, 0x00, 0x12, 0x10)},
            new Object[] {FlvTag.VIDEO, 0x00ff_fffe, bytes(0x27, 0x01, 0, 0, 0x21)},
            new Object[] {FlvTag.AUDIO, 0x0100_0000, new byte[0]},
            new Object[] {FlvTag.VIDEO, 0x7fff_ffff, randomBytes(70_000, 1)},   // more than one 64 KiB read
            new Object[] {FlvTag.AUDIO, 0xfedc_ba98, bytes(0xaf, 0x01, 0x21)});  // unsigned, above 2^31

    @Test
    void writeThenReadRoundTrips() throws IOException {
        byte[] file = sampleFile(true, true);
        try (FlvReader reader = new FlvReader(new ByteArrayInputStream(file))) {
            assertTrue(reader.hasAudio());
            assertTrue(reader.hasVideo());
            for (Object[] expected : SAMPLE) {
                FlvTag tag = reader.next();
                try {
                    assertEquals(expected[0], tag.type());
                    assertEquals(expected[1], tag.timestamp());
                    assertArrayEquals((byte[]) expected[2], ByteBufUtil.getBytes(tag.payload()));
                } finally {
                    tag.release();
                }
            }
            assertNull(reader.next());
            assertNull(reader.next(), "EOF stays EOF");
        }
    }

    @Test
    void writerProducesTheSpecLayout() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf payload = Unpooled.wrappedBuffer(bytes(0xaf, 0x01, 0x21));
        try (FlvWriter writer = new FlvWriter(out, true, false)) {
            payload.readerIndex(1);
            writer.write(FlvTag.AUDIO, 0x12_345678, payload);
            assertEquals(1, payload.readerIndex(), "writer must not consume the payload");
            assertEquals(1, payload.refCnt(), "writer must not release the payload");
        } finally {
            payload.release();
        }
        byte[] expected = bytes(
                'F', 'L', 'V', 0x01, 0x04, 0, 0, 0, 9,   // header: audio only, DataOffset 9
                0, 0, 0, 0,                              // PreviousTagSize0
                0x08, 0, 0, 2,                           // audio, DataSize 2
                0x34, 0x56, 0x78, 0x12,                  // Timestamp 0x345678, TimestampExtended 0x12
                0, 0, 0,                                 // StreamID
                0x01, 0x21,                              // body from the reader index on
                0, 0, 0, 13);                            // PreviousTagSize = 11 + 2
        assertArrayEquals(expected, out.toByteArray());
    }

    @Test
    void headerFlags() throws IOException {
        try (FlvReader reader = new FlvReader(new ByteArrayInputStream(sampleFile(false, true)))) {
            assertFalse(reader.hasAudio());
            assertTrue(reader.hasVideo());
            drain(reader);
        }
    }

    @Test
    void readsFromAPath(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sample.flv");
        Files.write(file, sampleFile(true, true));
        try (FlvReader reader = new FlvReader(file)) {
            assertEquals(SAMPLE.size(), drain(reader));
        }
    }

    @Test
    void largerDataOffsetIsSkipped() throws IOException {
        byte[] file = sampleFile(true, true);
        byte[] extended = new byte[file.length + 3];
        System.arraycopy(file, 0, extended, 0, 9);
        extended[8] = 12;                                   // DataOffset 12: three extra header bytes
        System.arraycopy(file, 9, extended, 12, file.length - 9);
        try (FlvReader reader = new FlvReader(new ByteArrayInputStream(extended))) {
            assertEquals(SAMPLE.size(), drain(reader));
        }
    }

    @Test
    void badHeadersNameOffsetAndProblem() {
        byte[] good = sampleFile(true, true);
        assertBad(patch(good, 0, 'X'), 0, "signature");
        assertBad(patch(good, 3, 2), 3, "version 2");
        assertBad(patch(good, 8, 8), 5, "DataOffset 8");
        assertBad(patch(good, 12, 1), 9, "PreviousTagSize0 is 1");
        assertBad(Arrays.copyOf(good, 5), 0, "file header");
        assertBad(Arrays.copyOf(good, 11), 9, "PreviousTagSize");
        assertBad(new byte[0], 0, "file header");
    }

    @Test
    void badTagsNameOffsetAndProblem() {
        byte[] good = sampleFile(true, true);
        int firstTag = HEADER_AND_SIZE0;
        int secondTag = firstTag + 11 + ((byte[]) SAMPLE.get(0)[2]).length + 4;
        assertBad(patch(good, secondTag, 0x07), secondTag, "tag type 7");
        assertBad(patch(good, secondTag, 0x29), secondTag, "Filter bit");
        // PreviousTagSize after the first tag off by one.
        int firstSizeField = secondTag - 4;
        assertBad(patch(good, firstSizeField + 3, good[firstSizeField + 3] + 1), firstSizeField,
                "PreviousTagSize is 26, expected 25");
        // A DataSize of 16 MiB - 1 in a short file: truncated, without allocating 16 MiB up front.
        byte[] huge = patch(patch(patch(good, firstTag + 1, 0xff), firstTag + 2, 0xff), firstTag + 3, 0xff);
        assertBad(huge, firstTag + 11, "ends inside the tag data");
    }

    @Test
    void truncatedFileNamesTheOffset() throws IOException {
        byte[] good = sampleFile(true, true);
        int firstTag = HEADER_AND_SIZE0;
        int firstData = firstTag + 11;
        int firstSize = ((byte[]) SAMPLE.get(0)[2]).length;
        // Cut in the middle of the first tag's body.
        FlvFormatException e = assertBad(Arrays.copyOf(good, firstData + 3), firstData, "ends inside the tag data");
        assertTrue(e.getMessage().contains("3 of " + firstSize + " bytes"), e.getMessage());
        // Cut inside the second tag header.
        int secondTag = firstData + firstSize + 4;
        assertBad(Arrays.copyOf(good, secondTag + 5), secondTag, "tag header (5 of 11 bytes)");
        // Cut inside the PreviousTagSize that closes the first tag.
        assertBad(Arrays.copyOf(good, secondTag - 2), secondTag - 4, "PreviousTagSize (2 of 4 bytes)");
    }

    @Test
    void everyCutIsEitherACleanEndOrAFormatError() throws IOException {
        byte[] good = sampleFile(true, true);
        List<Integer> boundaries = tagBoundaries();
        for (int length = HEADER_AND_SIZE0; length < good.length; length++) {
            if (insideLargeBody(length, boundaries) && length % 4099 != 0) {
                continue;   // every byte of the 70 KB body would re-read it 70,000 times; sample it
            }
            byte[] cut = Arrays.copyOf(good, length);
            List<FlvTag> read = new ArrayList<>();
            try (FlvReader reader = new FlvReader(new ByteArrayInputStream(cut))) {
                FlvTag tag;
                while ((tag = reader.next()) != null) {
                    read.add(tag);
                }
                assertTrue(boundaries.contains(length), "cut at " + length + " read as a clean end");
                assertEquals(boundaries.indexOf(length), read.size());
            } catch (FlvFormatException e) {
                assertFalse(boundaries.contains(length), "cut at boundary " + length + " failed: " + e.getMessage());
                // The missing field starts at or before the cut.
                assertTrue(e.offset() <= length, "offset " + e.offset() + " beyond the cut " + length);
            } finally {
                read.forEach(FlvTag::release);
            }
        }
    }

    @Test
    void writerRejectsWhatFlvCannotHold() throws IOException {
        try (FlvWriter writer = new FlvWriter(OutputStream.nullOutputStream(), true, true)) {
            ByteBuf small = Unpooled.wrappedBuffer(new byte[1]);
            try {
                assertThrows(IllegalArgumentException.class, () -> writer.write(20, 0, small));
            } finally {
                small.release();
            }
            ByteBuf tooBig = Unpooled.buffer(FlvWriter.MAX_PAYLOAD + 1);
            try {
                tooBig.writerIndex(FlvWriter.MAX_PAYLOAD + 1);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> writer.write(FlvTag.VIDEO, 0, tooBig));
                assertTrue(e.getMessage().contains(String.valueOf(FlvWriter.MAX_PAYLOAD + 1)), e.getMessage());
            } finally {
                tooBig.release();
            }
        }
    }

    @Test
    void tagRejectsOtherTypes() {
        ByteBuf payload = Unpooled.buffer(0);
        try {
            assertThrows(IllegalArgumentException.class, () -> new FlvTag(15, 0, payload));
            assertEquals(0xfedc_ba98L, new FlvTag(FlvTag.AUDIO, 0xfedc_ba98, payload).unsignedTimestamp());
        } finally {
            payload.release();
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static byte[] sampleFile(boolean audio, boolean video) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (FlvWriter writer = new FlvWriter(new BufferedOutputStream(out), audio, video)) {
            for (Object[] tag : SAMPLE) {
                ByteBuf payload = Unpooled.wrappedBuffer((byte[]) tag[2]);
                try {
                    writer.write((int) tag[0], (int) tag[1], payload);
                } finally {
                    payload.release();
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    /** File lengths at which the sample file ends cleanly after a whole tag. */
    private static List<Integer> tagBoundaries() {
        List<Integer> boundaries = new ArrayList<>();
        int position = HEADER_AND_SIZE0;
        boundaries.add(position);
        for (Object[] tag : SAMPLE) {
            position += 11 + ((byte[]) tag[2]).length + 4;
            boundaries.add(position);
        }
        return boundaries;
    }

    /** Whether {@code length} cuts the large tag's body more than 64 bytes from either edge. */
    private static boolean insideLargeBody(int length, List<Integer> boundaries) {
        for (int i = 0; i < SAMPLE.size(); i++) {
            int bodySize = ((byte[]) SAMPLE.get(i)[2]).length;
            int bodyStart = boundaries.get(i) + 11;
            if (bodySize > 1024 && length > bodyStart + 64 && length < bodyStart + bodySize - 64) {
                return true;
            }
        }
        return false;
    }

    private static int drain(FlvReader reader) throws IOException {
        int count = 0;
        FlvTag tag;
        while ((tag = reader.next()) != null) {
            tag.release();
            count++;
        }
        return count;
    }

    private static FlvFormatException assertBad(byte[] file, long offset, String problem) {
        FlvFormatException e = assertThrows(FlvFormatException.class, () -> {
            try (FlvReader reader = new FlvReader(new ByteArrayInputStream(file))) {
                drain(reader);
            }
        });
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertTrue(e.getMessage().contains("offset " + offset), e.getMessage());
        return e;
    }

    private static byte[] patch(byte[] original, int at, int value) {
        byte[] copy = original.clone();
        copy[at] = (byte) value;
        return copy;
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }
}
