package io.sluice.master.it;

import io.sluice.common.testing.Processes;
import io.sluice.worker.it.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 13's browser test: ffmpeg publishes to a server of two workers, and Debian's headless
 * Chromium plays the stream with mpegts.js over HTTP-FLV and over WebSocket-FLV, from a page of
 * another origin (play-flv.mjs serves it on a port of its own), through the worker that does NOT
 * own the stream: the browser is pointed at a {@link PinnedProxy} whose every connection landed on
 * the other worker, which serves the stream through its relay. The video must decode at least 60
 * frames with no player error, and {@code bin/ctl clients} must show the browser's protocol.
 */
@Timeout(240)
class HttpFlvBrowserIT {

    @Test
    void chromiumPlaysHttpAndWebSocketFlvFromAnotherOriginThroughTheWorkerWithoutTheStream(@TempDir Path dir)
            throws Exception {
        BrowserPlayer.requireTools();
        try (Processes processes = new Processes(); SluiceServer s = SluiceServer.start(dir, "workers: 2\n")) {
            List<String> publish = TestMedia.publishCommand(120, "rtmp://127.0.0.1:" + s.port() + "/live/web");
            processes.start(dir.resolve("publisher.log"), publish);
            s.awaitLog("publish started", 30);
            long owner = ownerPid(s, "live/web");

            try (PinnedProxy proxy = new PinnedProxy(() -> s.connectAvoiding(s.httpPort(), owner))) {
                String url = "http://127.0.0.1:" + proxy.port() + "/live/web.flv";
                for (BrowserPlayer.Mode mode : BrowserPlayer.Mode.values()) {
                    BrowserPlayer.Result r = BrowserPlayer.play(dir.resolve("browser"), url, mode);
                    assertTrue(r.ok(), r.toString());
                    assertTrue(r.totalVideoFrames() >= BrowserPlayer.DEFAULT_MIN_FRAMES, r.toString());
                    assertEquals(List.of(), r.errors(), r.toString());
                }
            }
            // Only the worker without the stream relays it, and only a browser was there to ask.
            s.awaitLog("relaying live/web from worker", 5);
        }
    }

    private static long ownerPid(SluiceServer s, String stream) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Pattern p = Pattern.compile("published on worker \\d+ \\(pid (\\d+)\\)");
        while (System.nanoTime() < deadline) {
            Matcher m = p.matcher(s.ctl("where", stream).out());
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
            Thread.sleep(100);
        }
        fail(stream + " is not published");
        return -1;
    }
}
