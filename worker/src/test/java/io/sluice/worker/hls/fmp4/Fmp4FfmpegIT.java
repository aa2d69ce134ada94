package io.sluice.worker.hls.fmp4;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.common.testing.Ffmpeg;
import io.sluice.common.testing.Processes;
import io.sluice.worker.it.TestMedia;
import io.sluice.worker.media.FlvReader;
import io.sluice.worker.media.FlvTag;
import io.sluice.worker.stream.MediaFrame;
import io.sluice.worker.stream.TestFrames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Muxes what a real ffmpeg encoded (read from FLV, as a publisher sends it) into an init segment
 * and fragments, cut as HLS segments at key frames and as ~200 ms LL-HLS parts, and has ffmpeg
 * decode every frame (as one file and through an HLS playlist) and ffprobe check frame counts,
 * timestamps and the codecs. Needs ffmpeg: skipped without it, a failure when {@code CI=true}.
 */
class Fmp4FfmpegIT {

    private static final int SECONDS = 4;
    private static final int FPS = 30;

    private final List<MediaFrame> frames = new ArrayList<>();

    @AfterEach
    void release() {
        frames.forEach(MediaFrame::release);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void h264WithBFramesAndAacAsSegmentsAndParts(@TempDir Path dir) throws Exception {
        Path flv = dir.resolve("in.flv");
        try (Processes p = new Processes()) {
            List<String> cmd = new ArrayList<>(List.of(Ffmpeg.ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y"));
            cmd.addAll(TestMedia.generatedInput(false, SECONDS));
            // B-frames, so composition offsets are not all zero.
            cmd.addAll(List.of("-c:v", "libx264", "-preset", "veryfast", "-bf", "2", "-g", "30", "-sc_threshold", "0",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-f", "flv", flv.toString()));
            run(p, dir.resolve("ffmpeg-flv.log"), cmd);
        }
        readFlv(flv);
        long video = frames.stream().filter(f -> f.isVideo() && !f.isSequenceHeader() && f.tag().packetType().name().equals("CODED_FRAMES")).count();
        long audio = frames.stream().filter(f -> !f.isVideo() && !f.isSequenceHeader()).count();
        assertEquals(FPS * SECONDS, video);
        assertTrue(frames.stream().anyMatch(f -> f.isVideo() && f.payload().getMedium(f.payload().readerIndex() + 2) != 0),
                "the input has composition offsets");

        Fmp4Muxer segments = Fmp4Muxer.create(frames);
        assertTrue(segments.codecs().matches("avc1\\.64[0-9A-F]{4},mp4a\\.40\\.2"), segments.codecs());
        assertEquals(320, segments.width());
        assertEquals(240, segments.height());
        checkDecodes(dir.resolve("segments"), segments, cutAtKeyframes(), video, audio, "h264", "aac");

        Fmp4Muxer parts = Fmp4Muxer.create(frames);
        checkDecodes(dir.resolve("parts"), parts, cutEvery(200), video, audio, "h264", "aac");
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void h264AndOpus(@TempDir Path dir) throws Exception {
        Path flv = dir.resolve("in.flv");
        Path ogg = dir.resolve("in.ogg");
        try (Processes p = new Processes()) {
            TestMedia.writeFlv(p, flv, SECONDS);
            run(p, dir.resolve("ffmpeg-ogg.log"), List.of(Ffmpeg.ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error",
                    "-y", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", String.valueOf(SECONDS),
                    "-ac", "2", "-c:a", "libopus", "-b:a", "64k", "-f", "ogg", ogg.toString()));
        }
        readFlv(flv);
        frames.removeIf(f -> {
            if (!f.isVideo()) {
                f.release();
                return true;
            }
            return false;
        });
        long video = frames.stream().filter(f -> f.isVideo() && !f.isSequenceHeader() && f.tag().packetType().name().equals("CODED_FRAMES")).count();
        long audio = readOgg(ogg);
        frames.sort(Comparator.comparingLong(MediaFrame::timestamp)); // stable: headers stay first

        Fmp4Muxer muxer = Fmp4Muxer.create(frames);
        assertTrue(muxer.codecs().matches("avc1\\.[0-9A-F]{6},opus"), muxer.codecs());
        checkDecodes(dir.resolve("segments"), muxer, cutAtKeyframes(), video, audio, "h264", "opus");
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void hevcWithBFrames(@TempDir Path dir) throws Exception {
        long video = encodeAndReadFragmentedMp4(dir, "hvc1", List.of("-c:v", "libx265", "-x265-params", "log-level=error:bframes=3",
                "-g", "30", "-tag:v", "hvc1"));
        Fmp4Muxer muxer = Fmp4Muxer.create(frames);
        assertTrue(muxer.codecs().startsWith("hvc1.1.6.L"), muxer.codecs());
        assertEquals(320, muxer.width());
        checkDecodes(dir.resolve("segments"), muxer, cutAtKeyframes(), video, 0, "hevc", null);
        checkDecodes(dir.resolve("parts"), Fmp4Muxer.create(frames), cutEvery(200), video, 0, "hevc", null);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void av1(@TempDir Path dir) throws Exception {
        long video = encodeAndReadFragmentedMp4(dir, "av01", List.of("-c:v", "libaom-av1", "-cpu-used", "8", "-g", "30"));
        Fmp4Muxer muxer = Fmp4Muxer.create(frames);
        assertTrue(muxer.codecs().matches("av01\\.0\\.\\d\\dM\\.08"), muxer.codecs());
        assertEquals(240, muxer.height());
        checkDecodes(dir.resolve("segments"), muxer, cutAtKeyframes(), video, 0, "av1", null);
    }

    /**
     * HEVC and AV1 the way an Enhanced RTMP publisher sends them, from what a real encoder made:
     * ffmpeg 5.1 writes neither into FLV, so it writes a fragmented MP4 whose samples, times and
     * configuration record become E-RTMP frames here (SequenceStart, CodedFrames with the
     * composition time for HEVC). Returns the number of coded frames.
     */
    private long encodeAndReadFragmentedMp4(Path dir, String fourCc, List<String> encoder) throws Exception {
        Path mp4 = dir.resolve("in.mp4");
        try (Processes p = new Processes()) {
            List<String> cmd = new ArrayList<>(List.of(Ffmpeg.ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-t", "2", "-pix_fmt", "yuv420p"));
            cmd.addAll(encoder);
            // With empty_moov, libaom's av1C is written (empty) before the encoder made it; without
            // it the first GOP goes into the moov's sample tables, which this reader skips: the
            // AV1 test starts at the second key frame.
            String flags = fourCc.equals("av01") ? "frag_keyframe+default_base_moof" : "frag_keyframe+empty_moov+default_base_moof";
            cmd.addAll(List.of("-movflags", flags, "-f", "mp4", mp4.toString()));
            run(p, dir.resolve("ffmpeg-mp4.log"), cmd);
        }
        byte[] file = Files.readAllBytes(mp4);
        List<Box> top = Box.parse(file);
        Box stbl = Box.top(top, "moov").find("trak/mdia/minf/stbl");
        int timescale = Box.top(top, "moov").find("trak/mdia/mdhd").i32(20);
        Box stsd = stbl.find("stsd");
        byte[] sd = java.util.Arrays.copyOfRange(file, stsd.start(), stsd.start() + stsd.size());
        String configType = fourCc.equals("hvc1") ? "hvcC" : "av1C";
        int at = new String(sd, StandardCharsets.ISO_8859_1).indexOf(configType) - 4;
        int size = java.nio.ByteBuffer.wrap(sd, at, 4).getInt();
        frames.add(TestFrames.video(0, exVideo(0x90, fourCc, -1, java.util.Arrays.copyOfRange(sd, at + 8, at + size))));
        long count = 0;
        for (Box moof : top) {
            if (!moof.type().equals("moof")) {
                continue;
            }
            Box traf = moof.find("traf");
            Box tfhd = traf.find("tfhd");
            int tf = tfhd.flags();
            int q = 16;
            q += (tf & 0x01) != 0 ? 8 : 0;
            q += (tf & 0x02) != 0 ? 4 : 0;
            int defaultDuration = (tf & 0x08) != 0 ? tfhd.i32(q) : 0;
            q += (tf & 0x08) != 0 ? 4 : 0;
            int defaultSize = (tf & 0x10) != 0 ? tfhd.i32(q) : 0;
            q += (tf & 0x10) != 0 ? 4 : 0;
            int defaultFlags = (tf & 0x20) != 0 ? tfhd.i32(q) : 0;
            Box tfdt = traf.find("tfdt");
            long dts = tfdt.version() == 1 ? tfdt.i64(12) : tfdt.i32(12) & 0xffffffffL;
            Box trun = traf.find("trun");
            int rf = trun.flags();
            int n = trun.i32(12);
            int r = 16;
            int data = moof.start() + ((rf & 0x01) != 0 ? trun.i32(r) : 0);
            r += (rf & 0x01) != 0 ? 4 : 0;
            Integer firstFlags = (rf & 0x04) != 0 ? trun.i32(r) : null;
            r += (rf & 0x04) != 0 ? 4 : 0;
            for (int i = 0; i < n; i++) {
                int duration = (rf & 0x100) != 0 ? trun.i32(r) : defaultDuration;
                r += (rf & 0x100) != 0 ? 4 : 0;
                int sampleSize = (rf & 0x200) != 0 ? trun.i32(r) : defaultSize;
                r += (rf & 0x200) != 0 ? 4 : 0;
                int flags = (rf & 0x400) != 0 ? trun.i32(r) : i == 0 && firstFlags != null ? firstFlags : defaultFlags;
                r += (rf & 0x400) != 0 ? 4 : 0;
                int cto = (rf & 0x800) != 0 ? trun.i32(r) : 0;
                r += (rf & 0x800) != 0 ? 4 : 0;
                boolean key = (flags & 0x10000) == 0;
                long ms = Math.round(dts * 1000.0 / timescale);
                int ctsMs = (int) (Math.round((dts + cto) * 1000.0 / timescale) - ms);
                byte[] sample = java.util.Arrays.copyOfRange(file, data, data + sampleSize);
                frames.add(TestFrames.video(ms, exVideo(0x80 | (key ? 0x10 : 0x20) | 1, fourCc,
                        fourCc.equals("hvc1") ? ctsMs : -1, sample)));
                data += sampleSize;
                dts += duration;
                count++;
            }
        }
        return count;
    }

    /** An E-RTMP video payload: header byte, FourCC, the SI24 composition time unless {@code cts} is -1, the body. */
    private static ByteBuf exVideo(int first, String fourCc, int cts, byte[] body) {
        ByteBuf b = Unpooled.buffer(8 + body.length);
        b.writeByte(first).writeBytes(fourCc.getBytes(StandardCharsets.ISO_8859_1));
        if (cts >= 0) {
            b.writeMedium(cts);
        }
        return b.writeBytes(body);
    }

    /** Runs of frames with the timestamp of the next video frame after each (or NEXT_UNKNOWN). */
    private record Cut(List<MediaFrame> frames, long nextVideo) {
    }

    private List<Cut> cutAtKeyframes() {
        List<Cut> cuts = new ArrayList<>();
        List<MediaFrame> run = new ArrayList<>();
        for (MediaFrame f : frames) {
            if (f.isKeyframe() && !run.isEmpty()) {
                cuts.add(new Cut(run, f.timestamp()));
                run = new ArrayList<>();
            }
            run.add(f);
        }
        cuts.add(new Cut(run, Fmp4Muxer.NEXT_UNKNOWN));
        return cuts;
    }

    /** Parts of {@code ms}, closed by time: the next video frame is never known. */
    private List<Cut> cutEvery(long ms) {
        List<Cut> cuts = new ArrayList<>();
        List<MediaFrame> run = new ArrayList<>();
        long end = ms;
        for (MediaFrame f : frames) {
            if (f.timestamp() >= end && !run.isEmpty()) {
                cuts.add(new Cut(run, Fmp4Muxer.NEXT_UNKNOWN));
                run = new ArrayList<>();
                end = (f.timestamp() / ms + 1) * ms;
            }
            run.add(f);
        }
        cuts.add(new Cut(run, Fmp4Muxer.NEXT_UNKNOWN));
        return cuts;
    }

    private void checkDecodes(Path dir, Fmp4Muxer muxer, List<Cut> cuts, long videoFrames, long audioFrames,
                              String videoCodec, String audioCodec) throws Exception {
        Files.createDirectories(dir);
        Path all = dir.resolve("all.mp4");
        StringBuilder playlist = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n"
                + "#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-MAP:URI=\"init.mp4\"\n");
        try (OutputStream out = Files.newOutputStream(all)) {
            write(muxer.initSegment(), out, dir.resolve("init.mp4"));
            long sequence = 1;
            for (Cut cut : cuts) {
                if (cut.frames().stream().noneMatch(muxer::carries)) {
                    continue;
                }
                String name = "frag" + sequence + ".m4s";
                write(muxer.fragment(cut.frames(), sequence++, cut.nextVideo()), out, dir.resolve(name));
                long first = cut.frames().get(0).timestamp();
                long last = cut.frames().get(cut.frames().size() - 1).timestamp();
                playlist.append(String.format(Locale.ROOT, "#EXTINF:%.3f,\n%s\n", Math.max(last - first, 1) / 1000.0, name));
            }
        }
        playlist.append("#EXT-X-ENDLIST\n");
        Files.writeString(dir.resolve("index.m3u8"), playlist);

        try (Processes p = new Processes()) {
            // Decode every frame of the whole file, and again through the playlist as an HLS client.
            Path decodeLog = dir.resolve("decode.log");
            run(p, decodeLog, List.of(Ffmpeg.ffmpeg(), "-nostdin", "-v", "error", "-xerror", "-i", all.toString(), "-f", "null", "-"));
            assertEquals("", Files.readString(decodeLog).strip(), "ffmpeg decodes without an error");
            Path hlsLog = dir.resolve("hls.log");
            run(p, hlsLog, List.of(Ffmpeg.ffmpeg(), "-nostdin", "-v", "error", "-i", dir.resolve("index.m3u8").toString(),
                    "-f", "null", "-"));
            assertEquals("", Files.readString(hlsLog).strip(), "ffmpeg reads the HLS playlist without an error");

            Path streams = dir.resolve("streams.json");
            run(p, streams, List.of(Ffmpeg.ffprobe(), "-v", "error", "-count_frames", "-show_entries",
                    "stream=codec_name,profile,level,width,height,nb_read_frames", "-of", "json", all.toString()));
            JsonNode s = new ObjectMapper().readTree(streams.toFile()).get("streams");
            assertEquals(audioCodec == null ? 1 : 2, s.size(), s.toString());
            assertEquals(videoCodec, s.get(0).get("codec_name").asText());
            assertEquals(videoFrames, s.get(0).get("nb_read_frames").asLong(), "every video frame decoded");
            assertEquals(320, s.get(0).get("width").asInt());
            if (audioCodec != null) {
                assertEquals(audioCodec, s.get(1).get("codec_name").asText());
                assertEquals(audioFrames, s.get(1).get("nb_read_frames").asLong(), "every audio frame decoded");
            }
            checkCodecs(muxer.codecs(), s);

            Path packets = dir.resolve("packets.csv");
            run(p, packets, List.of(Ffmpeg.ffprobe(), "-v", "error", "-show_entries", "packet=stream_index,dts,duration",
                    "-of", "compact=p=0", all.toString()));
            long[] last = {Long.MIN_VALUE, Long.MIN_VALUE};
            long[] expected = {Long.MIN_VALUE, Long.MIN_VALUE};
            for (String line : Files.readAllLines(packets)) {
                java.util.Map<String, String> f = new java.util.HashMap<>();
                for (String field : line.split("\\|")) {
                    String[] kv = field.split("=", 2);
                    f.put(kv[0], kv.length > 1 ? kv[1] : "");
                }
                int stream = Integer.parseInt(f.get("stream_index"));
                assertTrue(f.get("dts").matches("-?\\d+"), "packet without a dts: " + line);
                long dts = Long.parseLong(f.get("dts"));
                assertTrue(dts > last[stream], "stream " + stream + " dts " + dts + " after " + last[stream]);
                if (stream == 1 && expected[1] != Long.MIN_VALUE) {
                    assertEquals(expected[1], dts, "audio is continuous: no gap or overlap at fragment boundaries");
                }
                String duration = f.get("duration");
                expected[stream] = duration != null && duration.matches("\\d+") ? dts + Long.parseLong(duration) : Long.MIN_VALUE;
                last[stream] = dts;
            }
        }
    }

    /** The CODECS string says what ffprobe finds: H.264 profile and level, AAC LC, Opus. */
    private static void checkCodecs(String codecs, JsonNode streams) {
        String[] parts = codecs.split(",");
        if (parts[0].startsWith("avc1.")) {
            int profile = Integer.parseInt(parts[0].substring(5, 7), 16);
            int level = Integer.parseInt(parts[0].substring(9, 11), 16);
            String name = switch (profile) {
                case 66 -> "Baseline";
                case 77 -> "Main";
                case 100 -> "High";
                default -> "profile " + profile;
            };
            assertTrue(streams.get(0).get("profile").asText().endsWith(name), codecs + " vs " + streams.get(0));
            assertEquals(level, streams.get(0).get("level").asInt(), codecs + " vs " + streams.get(0));
        }
        if (parts[0].startsWith("hvc1.") || parts[0].startsWith("av01.")) {
            // hvc1.1.6.L60.90: profile 1 is Main, L60 level 60; av01.0.00M.08: profile 0 is Main, level 0.
            String[] f = parts[0].split("\\.");
            assertEquals("Main", streams.get(0).get("profile").asText(), codecs + " vs " + streams.get(0));
            int level = Integer.parseInt(parts[0].startsWith("hvc1.") ? f[3].substring(1) : f[2].substring(0, 2));
            assertEquals(level, streams.get(0).get("level").asInt(), codecs + " vs " + streams.get(0));
        }
        if (parts.length == 1) {
            return;
        }
        if (parts[1].equals("mp4a.40.2")) {
            assertEquals("LC", streams.get(1).get("profile").asText());
        } else {
            assertEquals("opus", parts[1]);
        }
    }

    private void readFlv(Path flv) throws IOException {
        try (FlvReader reader = new FlvReader(flv)) {
            FlvTag tag;
            while ((tag = reader.next()) != null) {
                switch (tag.type()) {
                    case FlvTag.VIDEO -> frames.add(TestFrames.video(tag.unsignedTimestamp(), tag.payload()));
                    case FlvTag.AUDIO -> frames.add(TestFrames.audio(tag.unsignedTimestamp(), tag.payload()));
                    default -> tag.release();
                }
            }
        }
    }

    /**
     * Adds the Opus packets of an Ogg file (RFC 3533 pages, RFC 7845 mapping) as E-RTMP audio
     * frames: OpusHead as the sequence start, each audio packet as coded frames, timed by the
     * samples before it. Returns the number of audio packets.
     */
    private long readOgg(Path ogg) throws IOException {
        byte[] d = Files.readAllBytes(ogg);
        List<byte[]> packets = new ArrayList<>();
        java.io.ByteArrayOutputStream packet = new java.io.ByteArrayOutputStream();
        int p = 0;
        while (p < d.length) {
            assertEquals("OggS", new String(d, p, 4, StandardCharsets.ISO_8859_1), "Ogg page at " + p);
            int segments = d[p + 26] & 0xff;
            int data = p + 27 + segments;
            for (int i = 0; i < segments; i++) {
                int lace = d[p + 27 + i] & 0xff;
                packet.write(d, data, lace);
                data += lace;
                if (lace < 255) {
                    packets.add(packet.toByteArray());
                    packet.reset();
                }
            }
            p = data;
        }
        frames.add(TestFrames.audio(0, opusPayload(0, packets.get(0))));
        long samples = 0;
        long count = 0;
        for (byte[] audio : packets.subList(2, packets.size())) { // after OpusHead and OpusTags
            ByteBuf payload = opusPayload(1, audio);
            frames.add(TestFrames.audio(samples / 48, payload));
            samples += OpusConfig.packetSamples(payload, 5);
            count++;
        }
        return count;
    }

    private static ByteBuf opusPayload(int packetType, byte[] body) {
        ByteBuf b = Unpooled.buffer(5 + body.length);
        return b.writeByte(0x90 | packetType).writeBytes("Opus".getBytes(StandardCharsets.ISO_8859_1)).writeBytes(body);
    }

    private static void write(ByteBuf buf, OutputStream all, Path file) throws IOException {
        try {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            Files.write(file, bytes);
            all.write(bytes);
        } finally {
            buf.release();
        }
    }

    private static void run(Processes p, Path log, List<String> cmd) throws Exception {
        assertEquals(0, p.run(log, Duration.ofSeconds(90), cmd), Processes.tail(log, 20));
    }
}
