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
            assertEquals(2, s.size(), s.toString());
            assertEquals(videoCodec, s.get(0).get("codec_name").asText());
            assertEquals(videoFrames, s.get(0).get("nb_read_frames").asLong(), "every video frame decoded");
            assertEquals(320, s.get(0).get("width").asInt());
            assertEquals(audioCodec, s.get(1).get("codec_name").asText());
            assertEquals(audioFrames, s.get(1).get("nb_read_frames").asLong(), "every audio frame decoded");
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
