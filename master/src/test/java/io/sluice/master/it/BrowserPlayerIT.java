package io.sluice.master.it;

import com.sun.net.httpserver.HttpServer;
import io.sluice.common.testing.Processes;
import io.sluice.worker.it.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The browser harness itself, without Sluice: an FLV file served over HTTP by the JDK's server
 * plays in Chromium (frames decoded, no error), and the same file without a CORS header does
 * not, which shows the page really fetches from another origin.
 */
@Timeout(120)
class BrowserPlayerIT {

    @Test
    void aCrossOriginFlvPlaysInChromium(@TempDir Path dir) throws Exception {
        BrowserPlayer.requireTools();
        Path flv = dir.resolve("clip.flv");
        try (Processes processes = new Processes()) {
            TestMedia.writeFlv(processes, flv, 8);
        }
        HttpServer server = serve(flv, true);
        try {
            BrowserPlayer.Result r = BrowserPlayer.play(dir, url(server), BrowserPlayer.Mode.HTTP);
            assertTrue(r.ok(), r.toString());
            assertEquals(List.of(), r.errors());
            assertTrue(r.totalVideoFrames() >= BrowserPlayer.DEFAULT_MIN_FRAMES, r.toString());
            assertNotNull(r.msToFirstFrame(), r.toString());
            assertTrue(r.browser().matches("\\d+\\..*"), r.browser());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void withoutCorsThePageCannotPlay(@TempDir Path dir) throws Exception {
        BrowserPlayer.requireTools();
        Path flv = dir.resolve("clip.flv");
        try (Processes processes = new Processes()) {
            TestMedia.writeFlv(processes, flv, 2);
        }
        HttpServer server = serve(flv, false);
        try {
            BrowserPlayer.Result r = BrowserPlayer.play(dir, url(server), BrowserPlayer.Mode.HTTP, 60,
                    Duration.ofSeconds(5), Duration.ofSeconds(10));
            assertFalse(r.ok(), r.toString());
            assertEquals(0, r.totalVideoFrames(), r.toString());
            assertTrue(r.errors().stream().anyMatch(e -> e.startsWith("mpegts: NetworkError")), r.toString());
        } finally {
            server.stop(0);
        }
    }

    private static String url(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/live/clip.flv";
    }

    /** Serves {@code flv} at /live/clip.flv, with {@code Access-Control-Allow-Origin: *} or without. */
    private static HttpServer serve(Path flv, boolean cors) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/live/clip.flv", exchange -> {
            try (exchange) {
                if (cors) {
                    exchange.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
                }
                exchange.getResponseHeaders().add("Content-Type", "video/x-flv");
                byte[] body = Files.readAllBytes(flv);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        return server;
    }
}
