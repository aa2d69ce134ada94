package io.sluice.master.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.sluice.common.channel.ChannelJson;
import io.sluice.common.testing.Processes;
import io.sluice.master.http.OpenApiCheck;
import io.sluice.worker.it.TestMedia;
import io.sluice.worker.it.TestPlayer;
import io.sluice.worker.it.TestPublisher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The master's HTTP API against a real server with two workers: answers, the document, kick, reload, partial. */
@Timeout(180)
class ApiIT {

    private static final String TOKEN = "it-token-0123456789abcdef";
    private static final OpenApiCheck OPENAPI = OpenApiCheck.load();
    private static EventLoopGroup group;
    private static Path flv;
    private static final Processes media = new Processes();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        flv = dir.resolve("clip.flv");
        TestMedia.writeFlv(media, flv, 20);
    }

    @AfterAll
    static void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        media.close();
    }

    record Answer(int status, JsonNode json) {
    }

    private Answer call(SluiceServer s, String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.apiPort() + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = ChannelJson.parse(r.body());
        return new Answer(r.statusCode(), json);
    }

    /** Calls, asserts the status, and checks the body against docs/openapi.json. */
    private JsonNode documented(SluiceServer s, String method, String path, int status) throws Exception {
        Answer a = call(s, method, path, null);
        assertEquals(status, a.status, a.json.toString());
        assertEquals(List.of(), OPENAPI.problems(method, path, a.status, a.json), a.json.toString());
        return a.json;
    }

    @Test
    void answersMatchTheDocumentAndBinCtlAndKickDisconnects(@TempDir Path dir) throws Exception {
        try (SluiceServer s = SluiceServer.start(dir, "workers: 2\n");
             TestPublisher publisher = TestPublisher.publish(group, s.port(), "live", "cam", flv);
             TestPlayer player = TestPlayer.play(group, s.port(), "live", "cam")) {
            assertTrue(TestPlayer.await(() -> player.video() > 5, 15), "the player receives");
            s.awaitLog("HTTP API, metrics and dashboard on http://127.0.0.1:" + s.apiPort(), 5);

            JsonNode summary = documented(s, "GET", "/api/v1/summary", 200);
            assertEquals(s.masterPid(), summary.get("pid").asLong());
            assertEquals(1, summary.get("streams").asInt());
            assertTrue(summary.get("http").asText().endsWith(":" + s.httpPort()), summary.toString());
            JsonNode workers = documented(s, "GET", "/api/v1/workers", 200);
            assertEquals(2, workers.get("workers").size());

            JsonNode streams = documented(s, "GET", "/api/v1/streams", 200);
            assertEquals(0, streams.get("partial").size());
            JsonNode cam = streams.get("streams").get(0);
            assertEquals("live/cam", cam.get("stream").asText());
            assertEquals(1, cam.get("players").asInt());
            assertEquals("avc1", cam.get("videoCodec").asText(), cam.toString());
            assertTrue(cam.get("kbps").asLong() > 0, cam.toString());
            // Out: the one player's bytes (it has received video, so more than the FLV header's worth).
            assertTrue(cam.get("bytesOut").asLong() > 1000, cam.toString());
            assertTrue(cam.get("kbpsOut").asLong() > 0, cam.toString());
            // One source of truth: bin/ctl --json prints the same records.
            JsonNode ctl = ChannelJson.parse(s.ctl("streams", "--json").out());
            assertEquals(fieldNames(cam), fieldNames(ctl.get(0)));
            for (String stable : List.of("stream", "owner", "relayedBy", "publisher", "players", "playersByProtocol",
                    "playersByWorker", "videoCodec", "audioCodec")) {
                assertEquals(cam.get(stable), ctl.get(0).get(stable), stable);
            }
            JsonNode one = documented(s, "GET", "/api/v1/streams/live/cam", 200);
            assertEquals(cam.get("owner"), one.get("stream").get("owner"));
            documented(s, "GET", "/api/v1/streams/live/nobody", 404);

            JsonNode clients = documented(s, "GET", "/api/v1/clients?per_page=1", 200);
            assertEquals(1, clients.get("clients").size());
            JsonNode all = documented(s, "GET", "/api/v1/clients", 200);
            // The publisher, the player, and a relay between the workers when the player landed on the other one.
            int relays = cam.get("relayedBy").size();
            assertEquals(2 + relays, clients.get("total").asInt(), clients.toString());
            assertEquals(2 + relays, all.get("clients").size(), all.toString());
            String playerId = null;
            for (JsonNode c : all.get("clients")) {
                if (c.get("address").asText().endsWith(":" + player.localPort())) {
                    playerId = c.get("id").asText();
                }
            }
            assertNotNull(playerId, all.toString());
            documented(s, "DELETE", "/api/v1/clients/no-such-client", 404);
            JsonNode kicked = documented(s, "DELETE", "/api/v1/clients/" + playerId, 200);
            assertEquals(playerId, kicked.get("id").asText());
            assertTrue(TestPlayer.await(player::isClosed, 10), "the kicked player is disconnected");
            assertFalse(publisher.client().channel().closeFuture().isDone(), "and nobody else");

            JsonNode reload = documented(s, "POST", "/api/v1/reload", 200);
            assertEquals("none", reload.get("applied").asText());
        }
    }

    private String text(SluiceServer s, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.apiPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
        return r.body();
    }

    @Test
    void metricsCountWhatHappenedAndPromtoolAcceptsThem(@TempDir Path dir) throws Exception {
        try (SluiceServer s = SluiceServer.start(dir, "workers: 2\n");
             TestPublisher publisher = TestPublisher.publish(group, s.port(), "live", "cam", flv);
             TestPlayer player = TestPlayer.play(group, s.port(), "live", "cam")) {
            assertTrue(TestPlayer.await(() -> player.video() > 5, 15), "the player receives");
            // A second publisher of the same name is refused (BadName); a client that sends garbage fails its handshake.
            Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                    () -> TestPublisher.publish(group, s.port(), "live", "cam", flv).close());
            assertNotNull(refused);
            try (java.net.Socket garbage = new java.net.Socket("127.0.0.1", s.port())) {
                garbage.getOutputStream().write(new byte[] {9, 9, 9, 9});
                garbage.getOutputStream().flush();
                garbage.setSoTimeout(10_000);
                assertEquals(-1, garbage.getInputStream().read(), "the server closes after the bad version byte");
            }
            String page = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < deadline) {
                page = text(s, "/metrics");
                if (sum(page, "sluice_publish_refused_total", "reason=\"BadName\"") >= 1
                        && sum(page, "sluice_handshake_errors_total", "") >= 1
                        && sum(page, "sluice_connections", "role=\"player\"") >= 1) {
                    break;
                }
                Thread.sleep(200); // the figures come with the next heartbeat (every second)
            }
            assertEquals(1, sum(page, "sluice_publish_refused_total", "reason=\"BadName\""), page);
            assertEquals(1, sum(page, "sluice_handshake_errors_total", ""), page);
            assertEquals(1, sum(page, "sluice_connections", "role=\"publisher\""), page);
            assertEquals(1, sum(page, "sluice_connections", "role=\"player\""), page);
            assertEquals(1, sum(page, "sluice_streams", ""), page);
            assertEquals(2, sum(page, "sluice_workers", "state=\"running\""), page);
            assertTrue(sum(page, "sluice_sent_bytes_total", "") > 10_000, page);
            assertTrue(sum(page, "sluice_heartbeat_rtt_seconds_count", "") >= 2, page);
            assertTrue(sum(page, "sluice_worker_heap_used_bytes", "") > 0, page);
            io.sluice.master.http.Promtool.check(page);
        }
    }

    /** The sum of the samples of {@code name} whose labels contain {@code labelPart}. */
    private static double sum(String page, String name, String labelPart) {
        double total = 0;
        for (String line : page.lines().toList()) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                String labels = line.startsWith(name + "{") ? line.substring(name.length(), line.indexOf('}') + 1) : "";
                if (labels.contains(labelPart)) {
                    total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return total;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void aTokenSetByReloadIsRequiredAtOnceAndNeverLogged(@TempDir Path dir) throws Exception {
        try (SluiceServer s = SluiceServer.configure(dir, "workers: 1\n")) {
            String base = "rtmp:\n  port: " + s.port() + "\npaths:\n  run_dir: " + dir.resolve("run") + "\n  log_dir: "
                    + dir.resolve("logs") + "\nworkers: 1\nhttp:\n  port: " + s.httpPort() + "\n";
            s.rewriteRaw(base + s.apiYaml(""));
            s.startMaster();
            assertEquals(200, call(s, "GET", "/api/v1/summary", null).status);

            s.rewriteRaw(base + s.apiYaml("  token: " + TOKEN + "\n"));
            Answer reload = call(s, "POST", "/api/v1/reload", null);
            assertEquals(200, reload.status, reload.json.toString());
            JsonNode change = reload.json.get("changes").get(0);
            assertEquals("api.token", change.get("key").asText());
            assertEquals("(set)", change.get("newValue").asText());

            Answer refused = call(s, "GET", "/api/v1/summary", null);
            assertEquals(401, refused.status);
            assertEquals(401, refused.json.get("code").asInt());
            assertEquals(401, call(s, "GET", "/api/v1/summary", TOKEN + "x").status);
            assertEquals(200, call(s, "GET", "/api/v1/summary", TOKEN).status);
            assertFalse(s.log().contains(TOKEN), "the token is not in the log");
        }
    }

    @Test
    void aWorkerThatDoesNotAnswerInTimeIsNamedInPartial(@TempDir Path dir) throws Exception {
        // The heartbeat must not replace the stopped worker while the API asks it.
        try (SluiceServer s = SluiceServer.configure(dir, "")) {
            String base = "rtmp:\n  port: " + s.port() + "\npaths:\n  run_dir: " + dir.resolve("run") + "\n  log_dir: "
                    + dir.resolve("logs") + "\nworkers: 2\nworker:\n  heartbeat_timeout: 30s\nhttp:\n  port: "
                    + s.httpPort() + "\n";
            // Long enough for the running worker even on a loaded machine; the stopped one never answers.
            s.rewriteRaw(base + s.apiYaml("  worker_timeout: 2s\n"));
            s.startMaster();
            s.awaitLogCount(") running after", 2, 30);
            long pid = s.workerPid(2);
            SluiceServer.run(List.of("kill", "-STOP", String.valueOf(pid)));
            try {
                long t0 = System.nanoTime();
                JsonNode streams = documented(s, "GET", "/api/v1/streams", 200);
                long millis = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(1, streams.get("partial").size(), streams.toString());
                assertEquals(2, streams.get("partial").get(0).get("worker").asInt());
                assertEquals("timeout", streams.get("partial").get(0).get("reason").asText());
                assertTrue(millis < 8000, "answered after the deadline, not after the worker: " + millis + " ms");
                JsonNode clients = documented(s, "GET", "/api/v1/clients", 200);
                assertEquals(2, clients.get("partial").get(0).get("worker").asInt());
            } finally {
                SluiceServer.run(List.of("kill", "-CONT", String.valueOf(pid)));
            }
        }
    }
}
