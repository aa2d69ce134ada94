package io.sluice.worker.hls.ts;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.common.testing.Ffmpeg;
import io.sluice.common.testing.Processes;
import io.sluice.worker.media.FlvReader;
import io.sluice.worker.media.FlvTag;
import io.sluice.worker.media.MediaTag;
import io.sluice.worker.media.MediaTagReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The muxer against the real thing: ffmpeg encodes an FLV (H.264 with B-frames, so composition
 * times are not zero, and AAC), the muxer turns it into segments cut at key frames, and ffmpeg
 * decodes every segment on its own (as a player joining there does) and all of them in a row:
 * every video and audio frame decodes, without a single error line, and the timestamps run on
 * without a jump. Needs ffmpeg/ffprobe (fails on CI without them).
 */
class FfmpegTsIT {

    private static final int SECONDS = 6;
    private static final int FPS = 25;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void segmentsOfAnFfmpegStreamDecodeWholeAndAlone(@TempDir Path dir) throws Exception {
        Path flv = dir.resolve("in.flv");
        try (Processes processes = new Processes()) {
            List<String> cmd = new ArrayList<>(List.of(Ffmpeg.ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error",
                    "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=" + FPS,
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", String.valueOf(SECONDS),
                    "-c:v", "libx264", "-preset", "veryfast", "-bf", "2", "-g", "50", "-sc_threshold", "0",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-f", "flv", flv.toString()));
            Path log = dir.resolve("encode.log");
            assertEquals(0, processes.run(log, Duration.ofSeconds(90), cmd), Processes.tail(log, 20));

            List<Path> segments = mux(flv, dir);
            assertEquals(SECONDS * FPS / 50, segments.size(), "one segment per GOP");

            int videoFrames = 0;
            int audioFrames = 0;
            for (Path segment : segments) {
                int[] counts = decode(processes, dir, segment.toString());
                assertTrue(counts[0] > 0 && counts[1] > 0, segment + " decodes no frames");
                videoFrames += counts[0];
                audioFrames += counts[1];
            }
            assertEquals(SECONDS * FPS, videoFrames, "video frames decoded from the segments one by one");
            StringBuilder concat = new StringBuilder("concat:");
            for (Path segment : segments) {
                concat.append(concat.length() > 7 ? "|" : "").append(segment);
            }
            int[] whole = decode(processes, dir, concat.toString());
            assertEquals(SECONDS * FPS, whole[0], "video frames decoded from all segments in a row");
            assertEquals(audioFrames, whole[1], "audio frames");
            assertContinuous(processes, dir, concat.toString());
        }
    }

    /** Muxes the FLV into segments cut at every key frame; returns their paths. */
    private static List<Path> mux(Path flv, Path dir) throws IOException {
        List<Path> segments = new ArrayList<>();
        FlvTsMuxer muxer = new FlvTsMuxer(ByteBufAllocator.DEFAULT);
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        try (FlvReader reader = new FlvReader(flv)) {
            FlvTag tag;
            while ((tag = reader.next()) != null) {
                try {
                    if (tag.type() != FlvTag.VIDEO && tag.type() != FlvTag.AUDIO) {
                        continue;
                    }
                    MediaTag media = MediaTagReader.inspect(tag.type(), tag.payload());
                    if (media.keyframe()) {
                        flush(out, dir, segments);
                        assertTrue(muxer.startSegment(out, false));
                    }
                    FlvTsMuxer.Result r = tag.type() == FlvTag.VIDEO
                            ? muxer.video(tag.unsignedTimestamp(), media, tag.payload(), out)
                            : muxer.audio(tag.unsignedTimestamp(), media, tag.payload(), out);
                    assertTrue(r != FlvTsMuxer.Result.MALFORMED && r != FlvTsMuxer.Result.UNSUPPORTED, r + " " + media);
                } finally {
                    tag.release();
                }
            }
            flush(out, dir, segments);
        } finally {
            out.release();
        }
        assertTrue(muxer.avc().codecs().matches("avc1\\.64[0-9A-F]{4}"), muxer.avc().codecs()); // High profile
        assertEquals(320, muxer.avc().width());
        assertEquals(240, muxer.avc().height());
        assertEquals("mp4a.40.2", muxer.aac().codecs());
        return segments;
    }

    private static void flush(ByteBuf out, Path dir, List<Path> segments) throws IOException {
        if (!out.isReadable()) {
            return;
        }
        Path file = dir.resolve("seg" + segments.size() + ".ts");
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        Files.write(file, bytes);
        out.clear();
        segments.add(file);
    }

    /** {video frames, audio frames} ffmpeg decodes; fails on any line ffmpeg logs at level error or above. */
    private static int[] decode(Processes processes, Path dir, String input) throws Exception {
        Path log = dir.resolve("decode.log");
        List<String> cmd = List.of(Ffmpeg.ffprobe(), "-v", "error", "-count_frames", "-show_entries",
                "stream=codec_type,nb_read_frames", "-of", "csv=p=0", input);
        assertEquals(0, processes.run(log, Duration.ofSeconds(60), cmd), Processes.tail(log, 20));
        int[] counts = new int[2];
        for (String line : Files.readAllLines(log)) {
            String[] f = line.split(",");
            if (f.length == 2 && f[0].equals("video")) {
                counts[0] = Integer.parseInt(f[1].trim());
            } else if (f.length == 2 && f[0].equals("audio")) {
                counts[1] = Integer.parseInt(f[1].trim());
            } else if (!line.isBlank()) {
                throw new AssertionError("ffprobe said: " + line + " (decoding " + input + ")");
            }
        }
        return counts;
    }

    /** Decoding timestamps of video run on in frame steps, of audio in AAC frame steps: no jump, none backwards. */
    private static void assertContinuous(Processes processes, Path dir, String input) throws Exception {
        Path log = dir.resolve("packets.log");
        List<String> cmd = List.of(Ffmpeg.ffprobe(), "-v", "error", "-show_entries", "packet=codec_type,dts,duration",
                "-of", "csv=p=0", input);
        assertEquals(0, processes.run(log, Duration.ofSeconds(60), cmd), Processes.tail(log, 20));
        long lastVideo = -1;
        long lastAudio = -1;
        for (String line : Files.readAllLines(log)) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            assertTrue(f.length >= 2, "ffprobe said: " + line);
            long dts = Long.parseLong(f[1]);
            if (f[0].equals("video")) {
                if (lastVideo >= 0) {
                    assertEquals(90_000 / FPS, dts - lastVideo, "video DTS step at " + dts);
                }
                lastVideo = dts;
            } else {
                if (lastAudio >= 0) {
                    long step = dts - lastAudio;
                    // 1024 samples at 44.1 kHz is 2089.8 ticks; FLV's milliseconds round it to 2088..2160.
                    assertTrue(step >= 1980 && step <= 2200, "audio DTS step " + step + " at " + dts);
                }
                lastAudio = dts;
            }
        }
        assertTrue(lastVideo > 0 && lastAudio > 0);
    }
}
