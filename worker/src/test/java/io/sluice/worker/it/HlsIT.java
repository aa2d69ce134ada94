package io.sluice.worker.it;

import io.sluice.common.testing.Ffmpeg;
import io.sluice.common.testing.Processes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HLS from a real worker process: ffmpeg publishes over RTMP, the worker segments it on disk and
 * serves the playlists and segments on its HTTP port; ffmpeg plays the playlist as an HLS
 * client; a segment fetched over HTTP decodes; the query string reaches every URI; the window
 * bounds the files; bad paths are 400, gone segments 404, on a connection that stays open.
 */
@Timeout(180)
class HlsIT {

    private static final int WINDOW = 3;

    @TempDir
    static Path dir;
    private static WorkerProcess worker;
    private static Processes processes;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startServerAndPublisher() throws Exception {
        Ffmpeg.ffmpeg();
        processes = new Processes();
        worker = WorkerProcess.start(dir, "hls:\n  format: mpegts\n  segment: 1s\n  window: " + WINDOW + "\n  grace: 1s\n  path: "
                + dir.resolve("hls") + "\n");
        worker.awaitLog("HTTP-FLV listening", 20);
        processes.start(dir.resolve("publisher.log"), TestMedia.publishCommand(120, worker.url("it")));
        worker.awaitLog("publish started", 20);
        // The playlist exists once the first segment is complete.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (get("/live/it/index.m3u8").statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "no media playlist within 20 s");
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
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void multivariantPlaylistNamesCodecsAndResolution() throws Exception {
        HttpResponse<byte[]> r = get("/live/it.m3u8");
        assertEquals(200, r.statusCode());
        assertEquals("application/vnd.apple.mpegurl", r.headers().firstValue("content-type").orElse(""));
        assertEquals("*", r.headers().firstValue("access-control-allow-origin").orElse(""));
        String body = text(r);
        assertTrue(body.matches("(?s)#EXTM3U\n.*#EXT-X-STREAM-INF:BANDWIDTH=\\d+,CODECS=\"avc1\\.[0-9A-F]{6},mp4a\\.40\\.2\","
                + "RESOLUTION=320x240\nit/index\\.m3u8\n"), body);
    }

    @Test
    void mediaPlaylistFollowsRfc8216AndItsSegmentsDecode() throws Exception {
        String body = text(get("/live/it/index.m3u8"));
        assertTrue(body.startsWith("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:"), body);
        assertTrue(body.contains("#EXT-X-MEDIA-SEQUENCE:"), body);
        assertTrue(body.contains("#EXT-X-PROGRAM-DATE-TIME:20"), body);
        int target = Integer.parseInt(body.replaceAll("(?s).*#EXT-X-TARGETDURATION:(\\d+).*", "$1"));
        List<String> lines = body.lines().toList();
        String segment = null;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("#EXTINF:")) {
                double d = Double.parseDouble(lines.get(i).substring(8, lines.get(i).indexOf(',')));
                assertTrue(Math.round(d) <= target && d >= 0.9, "EXTINF " + d + " against target " + target);
                segment = lines.get(i + 1);
            }
        }
        assertTrue(segment != null && segment.endsWith(".ts"), body);
        HttpResponse<byte[]> ts = get("/live/it/" + segment);
        assertEquals(200, ts.statusCode());
        assertEquals("video/mp2t", ts.headers().firstValue("content-type").orElse(""));
        Path file = dir.resolve("fetched.ts");
        Files.write(file, ts.body());
        Path log = dir.resolve("probe-segment.log");
        assertEquals(0, processes.run(log, Duration.ofSeconds(30), List.of(Ffmpeg.ffprobe(), "-v", "error",
                "-count_frames", "-show_entries", "stream=codec_type,nb_read_frames", "-of", "csv=p=0", file.toString())),
                Processes.tail(log, 10));
        String out = Files.readString(log);
        int frames = Integer.parseInt(out.replaceAll("(?s).*video,(\\d+).*", "$1"));
        assertTrue(frames >= 25, "video frames in one segment: " + out);
        assertTrue(out.contains("audio,"), out);
    }

    @Test
    void ffmpegPlaysThePlaylistWithATokenAsAnHlsClient() throws Exception {
        Path log = dir.resolve("hls-play.log");
        int exit = processes.run(log, Duration.ofSeconds(60), List.of(Ffmpeg.ffmpeg(), "-nostdin", "-hide_banner",
                "-i", "http://127.0.0.1:" + worker.httpPort() + "/live/it.m3u8?token=abc", "-frames:v", "60",
                "-f", "null", "-"));
        String out = Files.readString(log);
        assertEquals(0, exit, Processes.tail(log, 30));
        assertTrue(out.contains("Video: h264"), out);
        assertTrue(out.contains("Audio: aac"), out);
        assertTrue(out.matches("(?s).*frame=\\s*60\\b.*"), Processes.tail(log, 5));
        assertTrue(out.contains("index.m3u8?token=abc"), "the token reached the media playlist: " + Processes.tail(log, 30));
    }

    @Test
    void theQueryStringIsCarriedOntoEveryUri() throws Exception {
        assertTrue(text(get("/live/it.m3u8?token=a%20b&x=1")).contains("\nit/index.m3u8?token=a%20b&x=1\n"));
        String media = text(get("/live/it/index.m3u8?token=t"));
        media.lines().filter(l -> !l.startsWith("#")).forEach(l -> assertTrue(l.endsWith(".ts?token=t"), l));
    }

    @Test
    void theWindowBoundsTheFilesOnDisk() throws Exception {
        Path streamDir = dir.resolve("hls/live/it");
        String first = text(get("/live/it/index.m3u8")).replaceAll("(?s).*#EXT-X-MEDIA-SEQUENCE:(\\d+).*", "$1");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long sequence = Long.parseLong(first);
        while (sequence < Long.parseLong(first) + WINDOW + 3) {
            assertTrue(System.nanoTime() < deadline, "the media sequence does not advance");
            Thread.sleep(200);
            sequence = Long.parseLong(text(get("/live/it/index.m3u8"))
                    .replaceAll("(?s).*#EXT-X-MEDIA-SEQUENCE:(\\d+).*", "$1"));
        }
        try (Stream<Path> files = Files.list(streamDir)) {
            long segments = files.filter(f -> f.toString().endsWith(".ts")).count();
            // The window, those within the 1 s grace (a segment is about 1 s), one in the making.
            assertTrue(segments <= WINDOW + 3, "segments on disk: " + segments);
        }
        String media = text(get("/live/it/index.m3u8"));
        assertEquals(WINDOW, media.lines().filter(l -> l.startsWith("#EXTINF")).count(), media);
    }

    @Test
    void badPathsAre400AndGoneSegments404OnAKeptConnection() throws Exception {
        try (Socket s = new Socket("127.0.0.1", worker.httpPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(("GET /live/it/nope-1.ts HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "HEAD /live/it.m3u8 HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String first = readResponse(in);
            assertTrue(first.startsWith("HTTP/1.1 404"), first);
            String second = readResponse(in);
            assertTrue(second.startsWith("HTTP/1.1 200"), "same connection, next request: " + second);
            out.write("GET /live/%2e%2e/%2e%2e/etc/passwd.m3u8 HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String third = readResponse(in);
            assertTrue(third.startsWith("HTTP/1.1 400"), third);
        }
        for (String path : List.of("/live/../it.m3u8", "/live/it%2findex.m3u8", "/live/.hidden.ts", "/x.ts")) {
            try (Socket s = new Socket("127.0.0.1", worker.httpPort())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String r = readResponse(s.getInputStream());
                assertTrue(r.startsWith("HTTP/1.1 400"), path + ": " + r);
            }
        }
    }

    /** Reads one response head and its Content-Length body (none for HEAD-like empty lengths read as 0 here). */
    private static String readResponse(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String h = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:") && !h.contains("mpegurl")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(length);
        return h;
    }
}
