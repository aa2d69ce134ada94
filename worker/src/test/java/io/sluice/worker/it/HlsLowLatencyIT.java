package io.sluice.worker.it;

import io.sluice.common.testing.Ffmpeg;
import io.sluice.common.testing.Processes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HLS with fragmented MP4 and Low-Latency HLS (the defaults) from a real worker process: ffmpeg
 * publishes over RTMP; every segment of the playlist, with its init segment, decodes in ffprobe
 * frame for frame, and so do the parts; ffmpeg plays the playlist as a client; a blocking
 * playlist reload is answered when the part it asks for is there; a preload-hinted part is
 * answered when it appears; bad input is 400 or 404; many blocking requests are all answered.
 */
@Timeout(180)
class HlsLowLatencyIT {

    private static final Pattern PART = Pattern.compile("#EXT-X-PART:DURATION=([0-9.]+),URI=\"([^\"]+)\"(,INDEPENDENT=YES)?");

    @TempDir
    static Path dir;
    private static WorkerProcess worker;
    private static Processes processes;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startServerAndPublisher() throws Exception {
        Ffmpeg.ffmpeg();
        processes = new Processes();
        worker = WorkerProcess.start(dir, "hls:\n  segment: 1s\n  window: 4\n  grace: 2s\n  part: 200ms\n  delta_updates: true\n  path: "
                + dir.resolve("hls") + "\n");
        worker.awaitLog("HTTP-FLV listening", 20);
        processes.start(dir.resolve("publisher.log"), TestMedia.publishCommand(120, worker.url("ll")));
        worker.awaitLog("publish started", 20);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (get("/live/ll/index.m3u8").statusCode() != 200 || segments(media()).size() < 3) {
            assertTrue(System.nanoTime() < deadline, "no media playlist with 3 segments within 20 s");
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (processes != null) {
            processes.close();
        }
        if (worker != null) {
            worker.close();
        }
    }

    private static HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.httpPort() + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String media() throws Exception {
        return new String(get("/live/ll/index.m3u8").body(), StandardCharsets.UTF_8);
    }

    private static List<String> segments(String playlist) {
        return playlist.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    private static long mediaSequence(String playlist) {
        return Long.parseLong(playlist.replaceAll("(?s).*#EXT-X-MEDIA-SEQUENCE:(\\d+).*", "$1"));
    }

    @Test
    void multivariantNamesTheCodecsOfTheFmp4Tracks() throws Exception {
        String body = new String(get("/live/ll.m3u8").body(), StandardCharsets.UTF_8);
        assertTrue(body.matches("(?s)#EXTM3U\n.*#EXT-X-STREAM-INF:BANDWIDTH=\\d+,CODECS=\"avc1\\.[0-9A-F]{6},mp4a\\.40\\.2\","
                + "RESOLUTION=320x240\nll/index\\.m3u8\n"), body);
    }

    @Test
    void theLowLatencyPlaylistHasPartsHintsAndServerControl() throws Exception {
        String body = media();
        assertTrue(body.startsWith("#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:"), body);
        assertTrue(body.contains("\n#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=6.000,PART-HOLD-BACK=0.600\n"), body);
        assertTrue(body.contains("\n#EXT-X-PART-INF:PART-TARGET=0.200\n"), body);
        assertTrue(body.matches("(?s).*\n#EXT-X-MAP:URI=\"[0-9a-f]{6}-init0\\.mp4\"\n.*"), body);
        assertTrue(body.matches("(?s).*\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"[0-9a-f]{6}-\\d+-p\\d+\\.m4s\"\n$"), body);
        Matcher m = PART.matcher(body);
        int parts = 0;
        int independent = 0;
        while (m.find()) {
            parts++;
            double d = Double.parseDouble(m.group(1));
            assertTrue(d > 0 && d <= 0.2, "a part lasts at most the part target: " + m.group());
            independent += m.group(3) != null ? 1 : 0;
        }
        assertTrue(parts >= 5, body);
        assertTrue(independent >= 1, "key frame parts are INDEPENDENT=YES: " + body);
    }

    @Test
    void everySegmentAndPartDecodesBehindItsInitSegment() throws Exception {
        String body = media();
        String init = body.replaceAll("(?s).*#EXT-X-MAP:URI=\"([^\"]+)\".*", "$1");
        byte[] initBytes = get("/live/ll/" + init).body();
        assertEquals("video/mp4", get("/live/ll/" + init).headers().firstValue("content-type").orElse(""));
        for (String segment : segments(body)) {
            assertTrue(segment.endsWith(".m4s"), segment);
            HttpResponse<byte[]> r = get("/live/ll/" + segment);
            assertEquals(200, r.statusCode(), segment);
            int[] frames = probe(segment, initBytes, r.body());
            assertTrue(frames[0] >= 25, segment + ": video frames " + frames[0]); // 1 s at 30 fps, cut at a key frame
            assertTrue(frames[1] >= 20, segment + ": audio frames " + frames[1]);
        }
        // The parts of the last complete segment, concatenated, are that segment.
        Matcher m = PART.matcher(body);
        List<String> parts = new ArrayList<>();
        while (m.find()) {
            parts.add(m.group(2));
        }
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        String last = segments(body).get(segments(body).size() - 1);
        String prefix = last.substring(0, last.length() - 4) + "-p";
        for (String p : parts) {
            if (p.startsWith(prefix)) {
                joined.write(get("/live/ll/" + p).body());
            }
        }
        byte[] whole = get("/live/ll/" + last).body();
        assertTrue(joined.size() > 0, "the last segment's parts are listed: " + body);
        assertEquals(whole.length, joined.size(), "parts add up to their segment");
        int[] frames = probe("parts", initBytes, joined.toByteArray());
        assertTrue(frames[0] >= 25, "video frames of the parts: " + frames[0]);
        // Across the part boundaries the video runs on without a hole or an overlap: each
        // part's video tfdt is the one before it plus that part's sample durations (a part
        // ended at an audio frame used to guess its last video frame's duration: 1 ms off
        // with FLV's 33/34 ms steps).
        long expected = -1;
        int boundaries = 0;
        for (String p : parts) {
            if (p.startsWith(prefix)) {
                long[] run = videoRun(get("/live/ll/" + p).body());
                if (expected >= 0) {
                    assertEquals(expected, run[0], p + ": video decode time at the part boundary");
                    boundaries++;
                }
                expected = run[0] + run[1];
            }
        }
        assertTrue(boundaries >= 3, "part boundaries checked: " + boundaries);
    }

    /**
     * {tfdt, sum of sample durations} of the video track (track 1) of a part's {@code moof}
     * (ISO/IEC 14496-12 8.8.7, 8.8.8, 8.8.12), read just far enough for that.
     */
    private static long[] videoRun(byte[] part) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(part);
        int moof = 0;
        while (moof + 8 <= part.length && !new String(part, moof + 4, 4, StandardCharsets.US_ASCII).equals("moof")) {
            moof += b.getInt(moof);
        }
        long tfdt = -1;
        long total = 0;
        int end = moof + b.getInt(moof);
        for (int traf = moof + 8; traf + 8 <= end; traf += b.getInt(traf)) {
            if (!new String(part, traf + 4, 4, StandardCharsets.US_ASCII).equals("traf")) {
                continue;
            }
            int trafEnd = traf + b.getInt(traf);
            long defaultDuration = 0;
            boolean video = false;
            for (int box = traf + 8; box + 8 <= trafEnd; box += b.getInt(box)) {
                String type = new String(part, box + 4, 4, StandardCharsets.US_ASCII);
                int version = part[box + 8];
                int flags = b.getInt(box + 8) & 0xffffff;
                if (type.equals("tfhd")) {
                    video = b.getInt(box + 12) == 1;
                    int at = box + 16 + ((flags & 1) != 0 ? 8 : 0) + ((flags & 2) != 0 ? 4 : 0);
                    defaultDuration = (flags & 8) != 0 ? b.getInt(at) & 0xffffffffL : 0;
                } else if (video && type.equals("tfdt")) {
                    tfdt = version == 1 ? b.getLong(box + 12) : b.getInt(box + 12) & 0xffffffffL;
                } else if (video && type.equals("trun")) {
                    int count = b.getInt(box + 12);
                    int at = box + 16 + ((flags & 1) != 0 ? 4 : 0) + ((flags & 4) != 0 ? 4 : 0);
                    for (int i = 0; i < count; i++) {
                        if ((flags & 0x100) != 0) {
                            total += b.getInt(at) & 0xffffffffL;
                            at += 4;
                        } else {
                            total += defaultDuration;
                        }
                        at += ((flags & 0x200) != 0 ? 4 : 0) + ((flags & 0x400) != 0 ? 4 : 0) + ((flags & 0x800) != 0 ? 4 : 0);
                    }
                }
            }
        }
        assertTrue(tfdt >= 0, "a video traf with tfdt in the part");
        return new long[] {tfdt, total};
    }

    /** Video and audio frames ffprobe decodes from init + media. */
    private static int[] probe(String name, byte[] init, byte[] media) throws Exception {
        Path file = dir.resolve("probe-" + name.replace('/', '_') + ".mp4");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(init);
        all.write(media);
        Files.write(file, all.toByteArray());
        Path log = dir.resolve("probe-" + name + ".log");
        assertEquals(0, processes.run(log, Duration.ofSeconds(30), List.of(Ffmpeg.ffprobe(), "-v", "error",
                "-count_frames", "-show_entries", "stream=codec_type,nb_read_frames", "-of", "csv=p=0", file.toString())),
                Processes.tail(log, 10));
        String out = Files.readString(log);
        assertTrue(!out.contains("rror"), out);
        int video = Integer.parseInt(out.replaceAll("(?s).*video,(\\d+).*", "$1"));
        int audio = Integer.parseInt(out.replaceAll("(?s).*audio,(\\d+).*", "$1"));
        return new int[] {video, audio};
    }

    @Test
    void ffmpegPlaysTheLowLatencyPlaylistAsAnHlsClient() throws Exception {
        Path log = dir.resolve("hls-play.log");
        int exit = processes.run(log, Duration.ofSeconds(60), List.of(Ffmpeg.ffmpeg(), "-nostdin", "-hide_banner",
                "-i", "http://127.0.0.1:" + worker.httpPort() + "/live/ll.m3u8?token=abc", "-frames:v", "60",
                "-f", "null", "-"));
        String out = Files.readString(log);
        assertEquals(0, exit, Processes.tail(log, 30));
        assertTrue(out.contains("Video: h264"), out);
        assertTrue(out.contains("Audio: aac"), out);
        assertTrue(out.matches("(?s).*frame=\\s*60\\b.*"), Processes.tail(log, 5));
    }

    @Test
    void aBlockingReloadIsAnsweredWhenThePartIsThere() throws Exception {
        String body = media();
        long next = mediaSequence(body) + segments(body).size(); // the segment being made
        int partsOfNext = body.substring(body.lastIndexOf(".m4s\n")).split("#EXT-X-PART:", -1).length - 1;
        int ask = partsOfNext + 1;
        long start = System.nanoTime();
        HttpResponse<byte[]> r = get("/live/ll/index.m3u8?_HLS_msn=" + next + "&_HLS_part=" + ask + "&token=t");
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, r.statusCode());
        String answered = new String(r.body(), StandardCharsets.UTF_8);
        boolean hasPart = answered.contains("-" + next + "-p" + ask + ".m4s?token=t\"")
                || mediaSequence(answered) + segments(answered).size() > next + 1
                || segments(answered).stream().anyMatch(s -> s.contains("-" + next + ".m4s"));
        assertTrue(hasPart, "the answer lists the part asked for, the token carried, no _HLS_ directive: " + answered);
        assertTrue(!answered.contains("_HLS_"), answered);
        assertTrue(waitedMs < 2000, "answered when the part came, not at a timeout: " + waitedMs + " ms");
    }

    @Test
    void aPreloadHintedPartIsAnsweredWhenItAppears() throws Exception {
        String body = media();
        String hint = body.replaceAll("(?s).*#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"([^\"]+)\".*", "$1");
        HttpResponse<byte[]> r = get("/live/ll/" + hint);
        assertEquals(200, r.statusCode(), hint);
        assertEquals("video/mp4", r.headers().firstValue("content-type").orElse(""));
        assertTrue(r.body().length > 100, "a moof + mdat: " + r.body().length);
    }

    @Test
    void badInputIs400Or404() throws Exception {
        String body = media();
        long edge = mediaSequence(body) + segments(body).size() - 1;
        assertEquals(400, get("/live/ll/index.m3u8?_HLS_msn=" + (edge + 3)).statusCode(), "more than two segments ahead");
        assertEquals(400, get("/live/ll/index.m3u8?_HLS_msn=" + (edge + 1) + "&_HLS_part=500").statusCode(),
                "beyond the Advance Part Limit");
        assertEquals(400, get("/live/ll/index.m3u8?_HLS_part=1").statusCode(), "_HLS_part without _HLS_msn");
        assertEquals(400, get("/live/ll/index.m3u8?_HLS_msn=x").statusCode());
        assertEquals(404, get("/live/ll/abcdef-0-p0.m4s").statusCode(), "a part that is not hinted and not there");
        assertEquals(404, get("/live/ll/abcdef-0.m4s").statusCode());
        assertEquals(404, get("/live/nope/index.m3u8?_HLS_msn=1&_HLS_part=0").statusCode(), "no such stream");
        assertEquals(400, get("/live/ll/%2e%2e/%2e%2e/x-init0.mp4").statusCode());
        assertEquals(400, get("/live/ll/..%2f..%2fx.m4s").statusCode());
        // A part that left the playlist goes after the grace period: 404 then.
        Matcher m = PART.matcher(body);
        assertTrue(m.find(), body);
        String oldPart = m.group(2);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int status;
        while ((status = get("/live/ll/" + oldPart).statusCode()) == 200) {
            assertTrue(System.nanoTime() < deadline, "an old part is still served after 30 s: " + oldPart);
            Thread.sleep(250);
        }
        assertEquals(404, status);
    }

    @Test
    void manyBlockingRequestsAreAllAnswered() throws Exception {
        String body = media();
        long edge = mediaSequence(body) + segments(body).size() - 1;
        HttpClient many = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        List<CompletableFuture<HttpResponse<Void>>> waiting = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            waiting.add(many.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.httpPort()
                    + "/live/ll/index.m3u8?_HLS_msn=" + (edge + 2) + "&_HLS_part=0")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.discarding()));
        }
        CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        for (CompletableFuture<HttpResponse<Void>> f : waiting) {
            int s = f.join().statusCode();
            assertTrue(s == 200 || s == 503, "answered or timed out, never left hanging: " + s);
        }
        assertEquals(200, get("/live/ll/index.m3u8").statusCode(), "the worker still serves");
    }
}
