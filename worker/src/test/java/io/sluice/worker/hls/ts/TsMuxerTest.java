package io.sluice.worker.hls.ts;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TsMuxerTest {

    @Test
    void tablesNameBothStreamsWithValidCrcs() {
        TsMuxer ts = new TsMuxer(true, TsMuxer.Audio.AAC);
        ByteBuf out = Unpooled.buffer();
        try {
            ts.writeTables(out);
            assertEquals(2 * 188, out.readableBytes());
            TsParser p = TsParser.parse(out);
            assertEquals(2, p.tables.size());
            assertEquals(0, p.tables.get(0)[1]);
            assertEquals(2, p.tables.get(1)[1]);
            assertEquals(TsMuxer.VIDEO_PID, p.pcrPid);
            assertEquals(0x1B, p.streamTypes.get(TsMuxer.VIDEO_PID));
            assertEquals(0x0F, p.streamTypes.get(TsMuxer.AUDIO_PID));
        } finally {
            out.release();
        }
    }

    @Test
    void audioOnlyCarriesPcrOnTheAudioPid() {
        TsMuxer ts = new TsMuxer(false, TsMuxer.Audio.MP3);
        ByteBuf out = Unpooled.buffer();
        ByteBuf frame = Unpooled.wrappedBuffer(new byte[417]);
        try {
            ts.writeTables(out);
            ts.writeAudio(out, 90_000, frame);
            TsParser p = TsParser.parse(out);
            assertEquals(TsMuxer.AUDIO_PID, p.pcrPid);
            assertEquals(0x03, p.streamTypes.get(TsMuxer.AUDIO_PID));
            assertEquals(1, p.pes.size());
            assertEquals(90_000, p.pes.get(0).pcr());
            assertEquals(90_000 + TsMuxer.DELAY, p.pes.get(0).pts());
        } finally {
            out.release();
            frame.release();
        }
    }

    /** Every payload size around the packet boundaries, so each stuffing form (0, 1, n bytes) occurs. */
    @Test
    void pesRoundTripsAtEverySizeAroundPacketBoundaries() {
        Random random = new Random(7);
        TsMuxer ts = new TsMuxer(true, TsMuxer.Audio.AAC);
        ByteBuf out = Unpooled.buffer();
        try {
            ts.writeTables(out);
            int n = 0;
            byte[][] sent = new byte[800][];
            for (int size = 1; size < 800; size++) {
                byte[] data = new byte[size];
                random.nextBytes(data);
                sent[size] = data;
                ByteBuf buf = Unpooled.wrappedBuffer(data);
                long dts = size * 3000L;
                if ((size & 1) == 0) {
                    ts.writeVideo(out, dts, dts + 6000, size % 10 == 0, buf);
                } else {
                    ts.writeAudio(out, dts, buf);
                }
                assertEquals(0, buf.readerIndex(), "the caller's indexes are untouched");
                n++;
            }
            assertEquals(0, out.readableBytes() % 188);
            TsParser p = TsParser.parse(out);
            assertEquals(n, p.pes.size());
            for (int i = 0; i < n; i++) {
                int size = i + 1;
                TsParser.Pes pes = p.pes.get(i);
                assertArrayEquals(sent[size], pes.data(), "payload of size " + size);
                long dts = size * 3000L + TsMuxer.DELAY;
                if ((size & 1) == 0) {
                    assertEquals(TsMuxer.VIDEO_PID, pes.pid());
                    assertEquals(0xE0, pes.streamId());
                    assertEquals(dts, pes.dts());
                    assertEquals(dts + 6000, pes.pts());
                    assertEquals(size * 3000L, pes.pcr(), "PCR on every video PES");
                    assertEquals(size % 10 == 0, pes.randomAccess());
                } else {
                    assertEquals(TsMuxer.AUDIO_PID, pes.pid());
                    assertEquals(0xC0, pes.streamId());
                    assertEquals(dts, pes.pts());
                    assertEquals(-1, pes.pcr(), "no PCR on audio when there is video");
                    assertFalse(pes.randomAccess());
                }
            }
        } finally {
            out.release();
        }
    }

    @Test
    void timestampsWrapAt33Bits() {
        TsMuxer ts = new TsMuxer(true, TsMuxer.Audio.NONE);
        ByteBuf out = Unpooled.buffer();
        ByteBuf data = Unpooled.wrappedBuffer(new byte[10]);
        try {
            long t = (1L << 33) + 5;
            ts.writeVideo(out, t, t, true, data);
            TsParser p = TsParser.parse(out);
            assertEquals(5 + TsMuxer.DELAY, p.pes.get(0).pts());
            assertEquals(5, p.pes.get(0).pcr());
        } finally {
            out.release();
            data.release();
        }
    }

    @Test
    void continuityCountersRunOnAcrossSegments() {
        TsMuxer ts = new TsMuxer(true, TsMuxer.Audio.NONE);
        ByteBuf out = Unpooled.buffer();
        ByteBuf data = Unpooled.wrappedBuffer(new byte[1000]);
        try {
            for (int segment = 0; segment < 20; segment++) {
                ts.writeTables(out);
                ts.writeVideo(out, segment * 3000L, segment * 3000L, true, data);
            }
            TsParser p = TsParser.parse(out); // asserts every counter follows the one before
            assertEquals(20, p.pes.size());
        } finally {
            out.release();
            data.release();
        }
    }

    @Test
    void refusesWhatItCannotWrite() {
        assertThrows(IllegalArgumentException.class, () -> new TsMuxer(false, TsMuxer.Audio.NONE));
        TsMuxer videoOnly = new TsMuxer(true, TsMuxer.Audio.NONE);
        ByteBuf out = Unpooled.buffer();
        ByteBuf data = Unpooled.wrappedBuffer(new byte[70_000]);
        try {
            assertThrows(IllegalStateException.class, () -> videoOnly.writeAudio(out, 0, data));
            TsMuxer audio = new TsMuxer(false, TsMuxer.Audio.AAC);
            assertThrows(IllegalArgumentException.class, () -> audio.writeAudio(out, 0, data));
            videoOnly.writeVideo(out, 0, 0, true, data); // over 64 KiB: unbounded PES length, allowed for video
            TsParser p = TsParser.parse(out);
            assertEquals(70_000, p.pes.get(0).data().length);
            assertTrue(out.readableBytes() > 70_000);
        } finally {
            out.release();
            data.release();
        }
    }
}
