package io.sluice.worker.hls.fmp4;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sluice.worker.stream.MediaFrame;
import io.sluice.worker.stream.TestFrames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Box layout, codecs strings and sample timing of {@link Fmp4Muxer}, on hand-made frames. */
class Fmp4MuxerTest {

    /** x264's AVCDecoderConfigurationRecord for 320x240 Constrained Baseline, level 1.3. */
    static final String AVCC = "0142c00dffe100166742c00dda0507ec0440000003004000000f03c50aa801000468ce0fc8";
    /** x265's HEVCDecoderConfigurationRecord (VPS, SPS, PPS) for 320x240 Main, level 2 (60). */
    static final String HVCC = "0101600000009000000000003cf000fcfdf8f800000f03a00001001840010c01ffff01600000030090"
            + "000003000003003c959809a10001002a42010101600000030090000003000003003ca00a080f165959a4932bc05a02"
            + "0000030002000003003c10a2000100074401c172b46240";
    /** libaom's AV1CodecConfigurationRecord with its sequence header OBU, 320x240 Main, 8 bit. */
    static final String AV1C = "81000c000a0b000000043cffbcdaf90040";
    /** AAC LC, 44.1 kHz, stereo. */
    static final String ASC = "1210";

    private final List<MediaFrame> frames = new ArrayList<>();
    private final List<ByteBuf> buffers = new ArrayList<>();

    @AfterEach
    void release() {
        frames.forEach(MediaFrame::release);
        buffers.forEach(ByteBuf::release);
    }

    @Test
    void initSegmentNestsAndDescribesBothTracks() {
        Fmp4Muxer muxer = Fmp4Muxer.create(List.of(avcHeader(), aacHeader()));
        assertEquals("avc1.42C00D,mp4a.40.2", muxer.codecs());
        assertEquals(320, muxer.width());
        assertEquals(240, muxer.height());
        byte[] init = bytes(muxer.initSegment());
        List<Box> top = Box.parse(init);
        assertEquals(List.of("ftyp", "moov"), top.stream().map(Box::type).toList());
        Box moov = Box.top(top, "moov");
        assertEquals(List.of("mvhd", "trak", "trak", "mvex"), moov.children().stream().map(Box::type).toList());
        Box mvhd = moov.find("mvhd");
        assertEquals(108, mvhd.size());
        assertEquals(3, mvhd.i32(104)); // next_track_ID

        Box video = moov.children().get(1);
        Box tkhd = video.find("tkhd");
        assertEquals(0, tkhd.version());
        assertEquals(3, tkhd.flags());
        assertEquals(1, tkhd.i32(20)); // track_ID
        assertEquals(320 << 16, tkhd.i32(84));
        assertEquals(240 << 16, tkhd.i32(88));
        assertEquals(90000, video.find("mdia/mdhd").i32(20));
        assertEquals("vide", fourCc(video.find("mdia/hdlr"), 16));
        Box stsd = video.find("mdia/minf/stbl/stsd");
        assertEquals(1, stsd.i32(12)); // entry_count
        assertEquals("avc1", fourCc(stsd, 20));
        int entry = stsd.start() + 16;
        assertEquals(320, ((init[entry + 32] & 0xff) << 8) | (init[entry + 33] & 0xff));
        assertEquals("avcC", new String(init, entry + 86 + 4, 4, StandardCharsets.ISO_8859_1));
        assertArrayEquals(ByteBufUtil.decodeHexDump(AVCC), Arrays.copyOfRange(init, entry + 94, entry + 94 + AVCC.length() / 2));

        Box sound = moov.children().get(2);
        assertEquals(2, sound.find("tkhd").i32(20));
        assertEquals(44100, sound.find("mdia/mdhd").i32(20));
        assertEquals("soun", fourCc(sound.find("mdia/hdlr"), 16));
        Box soundStsd = sound.find("mdia/minf/stbl/stsd");
        assertEquals("mp4a", fourCc(soundStsd, 20));
        int audioEntry = soundStsd.start() + 16;
        assertEquals(2, init[audioEntry + 25]); // channelcount
        assertEquals(44100, ((init[audioEntry + 32] & 0xff) << 8) | (init[audioEntry + 33] & 0xff));
        assertEquals("esds", new String(init, audioEntry + 36 + 4, 4, StandardCharsets.ISO_8859_1));
        int esdsSize = ((init[audioEntry + 36] & 0xff) << 24) | ((init[audioEntry + 37] & 0xff) << 16)
                | ((init[audioEntry + 38] & 0xff) << 8) | (init[audioEntry + 39] & 0xff);
        assertEquals(soundStsd.start() + soundStsd.size(), audioEntry + 36 + esdsSize, "esds ends the sample entry");

        Box mvex = moov.find("mvex");
        assertEquals(List.of(1, 2), mvex.children().stream().map(t -> t.i32(12)).toList()); // trex track_ID
    }

    @Test
    void fragmentTimesEverySampleAndPointsAtItsBytes() {
        Fmp4Muxer muxer = Fmp4Muxer.create(List.of(avcHeader(), aacHeader()));
        List<MediaFrame> run = List.of(avc(0, true, 0, 0xa1), aac(0, 0xb1), aac(23, 0xb2),
                avc(33, false, 67, 0xa2), aac(46, 0xb3), avc(67, false, 0, 0xa3));
        byte[] frag = bytes(muxer.fragment(run, 7, 100));
        List<Box> top = Box.parse(frag);
        assertEquals(List.of("moof", "mdat"), top.stream().map(Box::type).toList());
        Box moof = Box.top(top, "moof");
        assertEquals(7, moof.find("mfhd").i32(12));
        assertEquals(List.of("mfhd", "traf", "traf"), moof.children().stream().map(Box::type).toList());

        Trun video = Trun.read(moof.children().get(1), frag);
        assertEquals(1, video.trackId);
        assertEquals(0, video.baseTime);
        assertEquals(List.of(2970, 3060, 2970), video.durations, "the last one lasts until nextVideoTimestamp");
        assertEquals(List.of(FragmentWriter.SYNC_SAMPLE, FragmentWriter.NON_SYNC_SAMPLE, FragmentWriter.NON_SYNC_SAMPLE),
                video.flags);
        assertEquals(List.of(0, 67 * 90, 0), video.compositionOffsets);
        assertEquals(List.of(0xa1, 0xa2, 0xa3), video.firstBytes);

        Trun audio = Trun.read(moof.children().get(2), frag);
        assertEquals(2, audio.trackId);
        assertEquals(0, audio.baseTime);
        assertEquals(List.of(1024, 1024, 1024), audio.durations, "AAC frames last 1024 samples, not their ms rounding");
        assertEquals(List.of(0xb1, 0xb2, 0xb3), audio.firstBytes);

        // The next fragment continues both clocks; its last video frame is estimated.
        byte[] next = bytes(muxer.fragment(List.of(avc(100, false, 0, 0xa4), aac(70, 0xb4), avc(133, false, 0, 0xa5)), 8));
        Box moof2 = Box.top(Box.parse(next), "moof");
        Trun video2 = Trun.read(moof2.children().get(1), next);
        assertEquals(9000, video2.baseTime);
        assertEquals(List.of(2970, 2970), video2.durations, "the last duration seen is the estimate");
        Trun audio2 = Trun.read(moof2.children().get(2), next);
        assertEquals(3072, audio2.baseTime, "audio continues sample-exact: 70 ms rounds to 3087");
    }

    @Test
    void audioGapResynchronisesOnTheTimestamp() {
        Fmp4Muxer muxer = Fmp4Muxer.create(List.of(aacHeader()));
        assertEquals("mp4a.40.2", muxer.codecs());
        assertFalse(muxer.hasVideo());
        byte[] frag = bytes(muxer.fragment(List.of(aac(1000, 1), aac(1023, 2), aac(2000, 3)), 1));
        Trun audio = Trun.read(Box.top(Box.parse(frag), "moof").children().get(1), frag);
        assertEquals(1, audio.trackId);
        assertEquals(44100, audio.baseTime);
        assertEquals(List.of(44100L, 45124L, 88200L), audio.decodeTimes());
    }

    @Test
    void opusHeaderBecomesDopsAndPacketsLastWhatTheirTocSays() {
        byte[] head = ByteBufUtil.decodeHexDump("4f7075734865616401023801" + "80bb0000" + "0000" + "00");
        MediaFrame config = keep(TestFrames.audio(0, ertmpAudio(0, head)));
        Fmp4Muxer muxer = Fmp4Muxer.create(List.of(config));
        assertEquals("opus", muxer.codecs());
        byte[] init = bytes(muxer.initSegment());
        int dops = indexOf(init, "dOps");
        assertArrayEquals(ByteBufUtil.decodeHexDump("0002013800" + "00bb80" + "000000"),
                Arrays.copyOfRange(init, dops + 4, dops + 4 + 11));
        // TOC 0xfc: CELT 20 ms, one frame = 960; 0x78 + code 1: SILK 20 ms x2 = 1920; code 3 with 3 frames of 10 ms.
        byte[] frag = bytes(muxer.fragment(List.of(
                keep(TestFrames.audio(0, ertmpAudio(1, new byte[] {(byte) 0xfc, 1}))),
                keep(TestFrames.audio(20, ertmpAudio(1, new byte[] {(byte) 0x09, 1}))),
                keep(TestFrames.audio(60, ertmpAudio(1, new byte[] {(byte) 0xf3, 3, 1})))), 1));
        Trun audio = Trun.read(Box.top(Box.parse(frag), "moof").children().get(1), frag);
        assertEquals(List.of(960, 1920, 3 * 480), audio.durations);
    }

    @Test
    void codecsAndSizeOfHevcAndAv1() {
        VideoFormat hevc = HevcConfig.parse(ByteBufUtil.decodeHexDump(HVCC));
        assertEquals("hvc1.1.6.L60.90", hevc.codecs()); // ffprobe: hevc, Main, level 60
        assertEquals(320, hevc.width());
        assertEquals(240, hevc.height());
        VideoFormat av1 = Av1Config.parse(ByteBufUtil.decodeHexDump(AV1C));
        assertEquals("av01.0.00M.08", av1.codecs()); // ffprobe: av1, Main, level 0
        assertEquals(320, av1.width());
        assertEquals(240, av1.height());
    }

    @Test
    void hevcFramesFromEnhancedRtmpGetHvc1AndTheirCompositionTime() {
        ByteBuf start = Unpooled.buffer();
        start.writeByte(0x90).writeBytes("hvc1".getBytes(StandardCharsets.ISO_8859_1)).writeBytes(ByteBufUtil.decodeHexDump(HVCC));
        Fmp4Muxer muxer = Fmp4Muxer.create(List.of(keep(TestFrames.video(0, start))));
        assertEquals("hvc1.1.6.L60.90", muxer.codecs());
        byte[] init = bytes(muxer.initSegment());
        assertTrue(indexOf(init, "hvcC") > indexOf(init, "hvc1"));
        ByteBuf coded = Unpooled.buffer();
        coded.writeByte(0x91).writeBytes("hvc1".getBytes(StandardCharsets.ISO_8859_1)).writeMedium(40).writeInt(1).writeByte(0x26);
        byte[] frag = bytes(muxer.fragment(List.of(keep(TestFrames.video(0, coded))), 1, 33));
        Trun video = Trun.read(Box.top(Box.parse(frag), "moof").children().get(1), frag);
        assertEquals(List.of(2970), video.durations);
        assertEquals(List.of(40 * 90), video.compositionOffsets);
        assertEquals(List.of(0), video.firstBytes); // the 4-byte NAL length prefix
    }

    @Test
    void refusesRunsWithoutSamplesAndNoSupportedCodec() {
        Fmp4Muxer muxer = Fmp4Muxer.create(List.of(avcHeader()));
        assertThrows(IllegalArgumentException.class, () -> muxer.fragment(List.of(avcHeader()), 1));
        MediaFrame mp3 = keep(TestFrames.audio(0, Unpooled.wrappedBuffer(new byte[] {0x2f, (byte) 0xff, (byte) 0xfb})));
        assertThrows(IllegalArgumentException.class, () -> Fmp4Muxer.create(List.of(mp3)));
        assertTrue(muxer.sameConfiguration(avcHeader()));
        ByteBuf other = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("1700000000" + AVCC.replace("42c00d", "64001f")));
        assertFalse(muxer.sameConfiguration(keep(TestFrames.video(0, other))));
    }

    @Test
    void malformedConfigurationRecordsAreRefusedNotCrashedOn() {
        java.util.Random random = new java.util.Random(42);
        String[][] headers = {{"1700000000", AVCC}, {"1c00000000", HVCC}, {"1d00000000", AV1C}, {"af00", ASC}};
        for (int i = 0; i < 4000; i++) {
            String[] h = headers[i % headers.length];
            byte[] record = ByteBufUtil.decodeHexDump(h[1]);
            record = Arrays.copyOf(record, random.nextInt(record.length + 8));
            for (int j = random.nextInt(4); j > 0 && record.length > 0; j--) {
                record[random.nextInt(record.length)] = (byte) random.nextInt(256);
            }
            ByteBuf payload = Unpooled.buffer().writeBytes(ByteBufUtil.decodeHexDump(h[0])).writeBytes(record);
            MediaFrame f = keep(h[0].startsWith("af") ? TestFrames.audio(0, payload) : TestFrames.video(0, payload));
            try {
                Fmp4Muxer muxer = Fmp4Muxer.create(List.of(f));
                bytes(muxer.initSegment());
                assertFalse(muxer.codecs().isEmpty());
            } catch (IllegalArgumentException expected) {
                // a refused record is fine; any other exception fails the test
            }
        }
    }

    // --- frames ---

    private MediaFrame keep(MediaFrame f) {
        frames.add(f);
        return f;
    }

    private MediaFrame avcHeader() {
        return keep(TestFrames.video(0, Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("1700000000" + AVCC))));
    }

    private MediaFrame aacHeader() {
        return keep(TestFrames.audio(0, Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("af00" + ASC))));
    }

    /** A legacy AVC frame whose sample is a 4-byte NAL length and two bytes, the first {@code marker}. */
    private MediaFrame avc(long ts, boolean key, int cts, int marker) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(key ? 0x17 : 0x27).writeByte(1).writeMedium(cts);
        b.writeByte(marker).writeByte(0).writeByte(0).writeByte(2).writeByte(0x65).writeByte(0);
        return keep(TestFrames.video(ts, b));
    }

    private MediaFrame aac(long ts, int marker) {
        return keep(TestFrames.audio(ts, Unpooled.wrappedBuffer(new byte[] {(byte) 0xaf, 1, (byte) marker, 0x20})));
    }

    private static ByteBuf ertmpAudio(int packetType, byte[] body) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x90 | packetType).writeBytes("Opus".getBytes(StandardCharsets.ISO_8859_1)).writeBytes(body);
        return b;
    }

    // --- reading ---

    private static byte[] bytes(ByteBuf b) {
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    private static String fourCc(Box box, int offset) {
        return new String(box.file(), box.start() + offset, 4, StandardCharsets.ISO_8859_1);
    }

    private static int indexOf(byte[] file, String type) {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = 0; i + 4 <= file.length; i++) {
            for (int j = 0; j < 4; j++) {
                if (file[i + j] != t[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("no " + type);
    }

    /** A traf's tfhd, tfdt and trun, checked for version and flags, with the bytes each sample points at. */
    record Trun(int trackId, long baseTime, List<Integer> durations, List<Integer> sizes, List<Integer> flags,
                List<Integer> compositionOffsets, List<Integer> firstBytes) {

        List<Long> decodeTimes() {
            List<Long> times = new ArrayList<>();
            long t = baseTime;
            for (int d : durations) {
                times.add(t);
                t += d;
            }
            return times;
        }

        static Trun read(Box traf, byte[] file) {
            Box moof = null;
            for (Box b : Box.parse(file)) {
                if (b.start() <= traf.start() && traf.start() < b.start() + b.size()) {
                    moof = b;
                }
            }
            Box tfhd = traf.find("tfhd");
            assertEquals(0x020000, tfhd.flags() & 0x020000, "default-base-is-moof");
            Box tfdt = traf.find("tfdt");
            assertEquals(1, tfdt.version());
            Box trun = traf.find("trun");
            assertEquals(1, trun.version());
            int flags = trun.flags();
            assertEquals(0x301, flags & 0x301, "data offset, duration and size present");
            boolean perSampleFlags = (flags & 0x400) != 0;
            boolean cto = (flags & 0x800) != 0;
            int count = trun.i32(12);
            int dataOffset = trun.i32(16);
            List<Integer> durations = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            List<Integer> sampleFlags = new ArrayList<>();
            List<Integer> offsets = new ArrayList<>();
            List<Integer> first = new ArrayList<>();
            int p = 20;
            int data = moof.start() + dataOffset;
            Box mdat = Box.top(Box.parse(file), "mdat");
            for (int i = 0; i < count; i++) {
                durations.add(trun.i32(p));
                sizes.add(trun.i32(p + 4));
                p += 8;
                if (perSampleFlags) {
                    sampleFlags.add(trun.i32(p));
                    p += 4;
                }
                if (cto) {
                    offsets.add(trun.i32(p));
                    p += 4;
                }
                assertTrue(data >= mdat.start() + 8 && data + sizes.get(i) <= mdat.start() + mdat.size(),
                        "sample " + i + " lies inside the mdat");
                first.add(file[data] & 0xff);
                data += sizes.get(i);
            }
            assertEquals(trun.size(), p, "trun holds exactly its samples");
            return new Trun(tfhd.i32(12), tfdt.i64(12), durations, sizes, sampleFlags, offsets, first);
        }
    }
}
