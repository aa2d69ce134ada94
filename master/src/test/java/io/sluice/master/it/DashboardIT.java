package io.sluice.master.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.sluice.common.channel.ChannelJson;
import io.sluice.common.testing.Processes;
import io.sluice.worker.it.TestMedia;
import io.sluice.worker.it.TestPlayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The dashboard in headless Chromium (browser-tests/dashboard.mjs): the streams table shows a
 * stream ffmpeg publishes within 3 s, with a bitrate; its preview plays (HTTP-FLV from the workers,
 * mpegts.js in the page, decoded frames counted); the kick button disconnects the player; a
 * screenshot is kept as target/dashboard.png.
 */
@Timeout(180)
class DashboardIT {

    private static final Path BROWSER_TESTS = SluiceServer.HOME.resolve("browser-tests");
    private static final Path SCREENSHOT = SluiceServer.HOME.resolve("master/target/dashboard.png");

    @Test
    void showsThePublishedStreamWithinThreeSecondsAndKicksAPlayer(@TempDir Path dir) throws Exception {
        String node = BrowserPlayer.requireTools();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        Path tmp = Files.createDirectories(dir.resolve("browser-tmp"));
        Process browser = null;
        try (Processes media = new Processes(); SluiceServer s = SluiceServer.start(dir, "workers: 2\n")) {
            Files.deleteIfExists(SCREENSHOT);
            ProcessBuilder pb = new ProcessBuilder(node, BROWSER_TESTS.resolve("dashboard.mjs").toString(),
                    "http://127.0.0.1:" + s.apiPort() + "/dashboard/", "live/cam", SCREENSHOT.toString(), "30000")
                    .directory(BROWSER_TESTS.toFile()).redirectError(dir.resolve("dashboard.log").toFile());
            pb.environment().put("CHROMIUM", BrowserPlayer.chromium().toString());
            pb.environment().put("TMPDIR", tmp.toString());
            browser = pb.start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Process p = browser;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (java.io.IOException e) {
                    lines.add("{\"readerError\":\"" + e.getMessage() + "\"}");
                }
            }, "dashboard-stdout");
            reader.setDaemon(true);
            reader.start();
            String ready = lines.poll(40, TimeUnit.SECONDS);
            assertEquals("{\"ready\":true}", ready, () -> "the dashboard did not load: " + ready + "\n"
                    + Processes.tail(dir.resolve("dashboard.log"), 20));

            long published = System.currentTimeMillis();
            media.start(dir.resolve("ffmpeg.log"), TestMedia.publishCommand(60,
                    "rtmp://127.0.0.1:" + s.port() + "/live/cam"));
            awaitStream(s);
            long listed = System.currentTimeMillis() - published; // the API has it (polled every 100 ms)
            try (TestPlayer player = TestPlayer.play(group, s.port(), "live", "cam")) {
                assertTrue(browser.waitFor(60, TimeUnit.SECONDS), "dashboard.mjs finishes");
                reader.join(5000);
                String last = null;
                for (String line; (line = lines.poll()) != null; ) {
                    last = line;
                }
                assertNotNull(last, "no result line");
                JsonNode result = ChannelJson.parse(last);
                assertTrue(result.get("ok").asBoolean(), last + "\n" + Processes.tail(dir.resolve("dashboard.log"), 20));
                long after = result.get("seenAtMs").asLong() - published;
                assertTrue(after <= 3000, "the streams table showed live/cam " + after + " ms after ffmpeg started (the API "
                        + "listed it after " + listed + " ms: the rest is the page's polling)");
                assertTrue(result.get("kbps").asLong() > 0, last);
                assertTrue(result.get("previewFrames").asLong() >= 10, "the preview decoded frames: " + last);
                assertTrue(TestPlayer.await(player::isClosed, 10), "the player kicked from the page is disconnected");
                assertTrue(Files.size(SCREENSHOT) > 10_000, "a screenshot was saved");
            }
        } finally {
            if (browser != null && browser.isAlive()) {
                Processes.destroy(browser);
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            List<Long> left = ProcessHandle.allProcesses()
                    .filter(h -> h.info().commandLine().map(c -> c.contains(tmp + File.separator)).orElse(false))
                    .map(h -> {
                        h.destroyForcibly();
                        return h.pid();
                    }).toList();
            assertEquals(List.of(), left, "browser processes left behind (now killed)");
        }
    }

    private static void awaitStream(SluiceServer s) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + s.apiPort() + "/api/v1/streams")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.body().contains("\"live/cam\"")) {
                return;
            }
            Thread.sleep(100);
        }
        fail("live/cam was not published within 15 s");
    }
}
