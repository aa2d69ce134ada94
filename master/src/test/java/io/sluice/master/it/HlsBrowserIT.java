package io.sluice.master.it;

import io.sluice.common.testing.Ffmpeg;
import io.sluice.common.testing.Processes;
import io.sluice.worker.it.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14's browser test: ffmpeg publishes three streams to a server of two workers, one as
 * MPEG-TS HLS, one as fMP4 HLS, one as Low-Latency HLS (hls.format and hls.low_latency apply to
 * streams published after a reload, so one server makes all three). Debian's headless Chromium
 * plays all of them at once with hls.js from a page of another origin (play-hls.mjs serves it on
 * a port of its own), the LL stream both with hls.js's lowLatencyMode on and off; each video
 * must decode at least 60 frames with no fatal hls.js error. Meanwhile ffmpeg reads the LL
 * playlist as a second, independent HLS client. With two workers and SO_REUSEPORT, the
 * playlist, part and segment requests land on both, so the worker without the stream serves
 * its files and answers its blocking reloads too.
 */
@Timeout(240)
class HlsBrowserIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void hlsJsPlaysTsFmp4AndLowLatencyHlsFromAnotherOrigin(@TempDir Path dir) throws Exception {
        BrowserPlayer.requireTools();
        Ffmpeg.ffmpeg();
        String base = "workers: 2\nhls:\n  segment: 1s\n";
        try (Processes processes = new Processes();
             SluiceServer s = SluiceServer.start(dir, base + "  format: mpegts\n")) {
            String http = "http://127.0.0.1:" + s.httpPort();
            publish(processes, s, dir, "ts", 1);
            s.rewrite(base + "  format: fmp4\n  low_latency: false\n");
            assertEquals(0, s.ctl("reload").exitCode());
            publish(processes, s, dir, "fmp4", 2);
            s.rewrite(base + "  format: fmp4\n  low_latency: true\n  part: 200ms\n");
            assertEquals(0, s.ctl("reload").exitCode());
            publish(processes, s, dir, "ll", 3);
            String ts = awaitPlaylist(http + "/live/ts/index.m3u8");
            String fmp4 = awaitPlaylist(http + "/live/fmp4/index.m3u8");
            String ll = awaitPlaylist(http + "/live/ll/index.m3u8");
            assertTrue(ts.contains(".ts\n") && !ts.contains("#EXT-X-MAP"), ts);
            assertTrue(fmp4.contains("#EXT-X-MAP:") && fmp4.contains(".m4s\n") && !fmp4.contains("#EXT-X-PART:"), fmp4);
            assertTrue(ll.contains("#EXT-X-PART:") && ll.contains("CAN-BLOCK-RELOAD=YES"), ll);

            Path ffmpegLog = dir.resolve("ffmpeg-client.log");
            Process client = processes.start(ffmpegLog, List.of(Ffmpeg.ffmpeg(), "-nostdin", "-hide_banner",
                    "-i", http + "/live/ll.m3u8", "-frames:v", "90", "-f", "null", "-"));
            BrowserPlayer.HlsRun run = BrowserPlayer.playHls(dir.resolve("browser"), BrowserPlayer.DEFAULT_MIN_FRAMES,
                    Duration.ofSeconds(30), List.of(
                            new BrowserPlayer.HlsCase("ts", false, http + "/live/ts.m3u8"),
                            new BrowserPlayer.HlsCase("fmp4", false, http + "/live/fmp4.m3u8"),
                            new BrowserPlayer.HlsCase("ll-on", true, http + "/live/ll.m3u8"),
                            new BrowserPlayer.HlsCase("ll-off", false, http + "/live/ll.m3u8")));
            assertTrue(run.ok(), run.toString());
            assertEquals(List.of(), run.errors(), run.toString());
            for (BrowserPlayer.HlsResult r : run.results()) {
                assertTrue(r.totalVideoFrames() >= BrowserPlayer.DEFAULT_MIN_FRAMES, r.toString());
                assertEquals(List.of(), r.errors(), r.toString());
                System.out.println("[figure] hls.js " + r.name() + ": first frame " + r.msToFirstFrame()
                        + " ms after navigation, latency " + r.latency() + " s, " + r.nonFatalErrors() + " non-fatal errors");
            }
            assertTrue(client.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "ffmpeg as an HLS client did not end");
            String out = Files.readString(ffmpegLog);
            assertEquals(0, client.exitValue(), Processes.tail(ffmpegLog, 30));
            assertTrue(out.matches("(?s).*frame=\\s*90\\b.*"), Processes.tail(ffmpegLog, 5));
        }
    }

    private static void publish(Processes processes, SluiceServer s, Path dir, String name, int count) throws Exception {
        processes.start(dir.resolve("publisher-" + name + ".log"),
                TestMedia.publishCommand(120, "rtmp://127.0.0.1:" + s.port() + "/live/" + name));
        s.awaitLogCount("publish started", count, 30);
    }

    /** The media playlist once it lists two segments. */
    private static String awaitPlaylist(String url) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 && r.body().lines().filter(l -> l.startsWith("#EXTINF")).count() >= 2) {
                return r.body();
            }
            assertTrue(System.nanoTime() < deadline, url + " has no two segments within 30 s: " + r.statusCode());
            Thread.sleep(100);
        }
    }
}
