package io.sluice.master.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.sluice.common.testing.Ffmpeg;
import io.sluice.common.testing.Processes;
import io.sluice.master.directory.redis.RedisServer;
import io.sluice.master.http.OpenApiCheck;
import io.sluice.worker.it.TestMedia;
import io.sluice.worker.it.TestPlayer;
import io.sluice.worker.it.TestPublisher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hosts as masters on loopback sharing a redis-server of the test's own. Two hosts, one worker
 * each: ffmpeg publishes to host a, ffmpeg plays from host b, which relays the stream from a with
 * a token signed with the shared secret; a second publisher of the name on b is refused; a relay
 * with a wrong token is refused by a. Three hosts, two workers each: bin/ctl where, the API and
 * the metrics show the owner host and the hosts relaying; the publisher moves from host a to host
 * b and the players on c and on a resume without reconnecting.
 */
class ClusterIT {

    private static final String SECRET = "cluster-it-secret-0123456789";
    private static final String UNPUBLISH = "NetStream.Play.UnpublishNotify";
    private static final OpenApiCheck OPENAPI = OpenApiCheck.load();

    @RegisterExtension
    static final TestClients CLIENTS = new TestClients();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static String cluster(RedisServer redis, String node, int port) {
        return cluster(redis, node, port, 1);
    }

    private static String cluster(RedisServer redis, String node, int port, int workers) {
        return "workers: " + workers + "\ncluster:\n  redis: \"" + redis.url() + "\"\n  node: " + node
                + "\n  advertise: \"127.0.0.1:" + port + "\"\n  secret: \"" + SECRET + "\"\n  lease_ttl: 3s\n";
    }

    @Test
    @Timeout(150)
    void aPlayerOnAnotherHostGetsTheStreamAndTheNameIsClaimedOnce(@TempDir Path dir) throws Exception {
        Ffmpeg.ffmpeg();
        try (RedisServer redis = RedisServer.start(dir.resolve("redis"));
             Processes ffmpeg = new Processes()) {
            Files.createDirectories(dir.resolve("a"));
            Files.createDirectories(dir.resolve("b"));
            SluiceServer a = SluiceServer.configure(dir.resolve("a"), "");
            a.rewrite(cluster(redis, "a", a.port()));
            SluiceServer b = SluiceServer.configure(dir.resolve("b"), "");
            b.rewrite(cluster(redis, "b", b.port()));
            try (a; b) {
                a.startMaster();
                b.startMaster();
                List<String> publish = new ArrayList<>(List.of(Ffmpeg.ffmpeg(), "-nostdin", "-hide_banner",
                        "-loglevel", "warning"));
                publish.addAll(TestMedia.generatedInput(true, 120));
                publish.addAll(TestMedia.h264Aac());
                publish.addAll(List.of("-f", "flv", "rtmp://127.0.0.1:" + a.port() + "/live/ff"));
                ffmpeg.start(dir.resolve("publish.log"), publish);
                a.awaitLog("publish started", 30);

                Path progress = dir.resolve("progress.txt");
                Path log = dir.resolve("play.log");
                int exit = ffmpeg.run(log, Duration.ofSeconds(60), List.of(Ffmpeg.ffmpeg(), "-nostdin", "-hide_banner",
                        "-i", "rtmp://127.0.0.1:" + b.port() + "/live/ff", "-t", "3", "-f", "null", "-",
                        "-progress", progress.toString()));
                assertEquals(0, exit, Processes.tail(log, 20));
                int frames = Files.readAllLines(progress).stream().filter(l -> l.startsWith("frame="))
                        .mapToInt(l -> Integer.parseInt(l.substring(6).trim())).max().orElse(0);
                assertTrue(frames >= 60, "decoded " + frames + " frames on host b");
                assertEquals(1, b.logLines("relaying live/ff from host a ").size(), "b relayed from host a");

                // A second publisher of the name on host b is refused.
                List<String> second = new ArrayList<>(List.of(Ffmpeg.ffmpeg(), "-nostdin", "-hide_banner",
                        "-loglevel", "warning"));
                second.addAll(TestMedia.generatedInput(true, 30));
                second.addAll(TestMedia.h264Aac());
                second.addAll(List.of("-f", "flv", "rtmp://127.0.0.1:" + b.port() + "/live/ff"));
                assertNotEquals(0, ffmpeg.run(dir.resolve("second.log"), Duration.ofSeconds(30), second));
                b.awaitLog("refused: host a publishes it", 10);

                // Without the secret, a "relay" is refused by the owner host.
                int bogus = ffmpeg.run(dir.resolve("bogus.log"), Duration.ofSeconds(30), List.of(Ffmpeg.ffmpeg(),
                        "-nostdin", "-hide_banner", "-i", "rtmp://127.0.0.1:" + a.port()
                                + "/live?sluice_relay=1.00/ff", "-t", "1", "-f", "null", "-"));
                assertNotEquals(0, bogus);
                a.awaitLog("invalid or expired relay token", 10);
            }
        }
    }

    @Test
    @Timeout(180)
    void hostsAreShownAndPlayersResumeWhenThePublisherMovesToAnotherHost(@TempDir Path dir) throws Exception {
        try (RedisServer redis = RedisServer.start(dir.resolve("redis"))) {
            Map<String, SluiceServer> hosts = new HashMap<>();
            for (String node : List.of("a", "b", "c")) {
                Files.createDirectories(dir.resolve(node));
                SluiceServer s = SluiceServer.configure(dir.resolve(node), "");
                s.rewrite(cluster(redis, node, s.port(), 2));
                hosts.put(node, s);
            }
            SluiceServer a = hosts.get("a");
            SluiceServer b = hosts.get("b");
            SluiceServer c = hosts.get("c");
            List<TestPlayer> onA = new ArrayList<>();
            List<TestPlayer> onC = new ArrayList<>();
            try (a; b; c) {
                for (SluiceServer s : List.of(a, b, c)) {
                    s.startMaster();
                }
                TestPublisher first = TestPublisher.publish(CLIENTS.group(), a.port(), "live", "cam", CLIENTS.flv());
                // Several players per host: SO_REUSEPORT spreads them, so both workers of c have some.
                for (int i = 0; i < 4; i++) {
                    onC.add(TestPlayer.play(CLIENTS.group(), c.port(), "live", "cam"));
                }
                for (int i = 0; i < 2; i++) {
                    onA.add(TestPlayer.play(CLIENTS.group(), a.port(), "live", "cam"));
                }
                List<TestPlayer> all = new ArrayList<>(onC);
                all.addAll(onA);
                assertTrue(TestPlayer.await(() -> all.stream().allMatch(p -> p.video() > 0), 30), describe(all));

                // bin/ctl where: on c, found in Redis; on a, the hosts relaying it.
                JsonNode whereC = awaitWhere(c, w -> w.path("relayNodes").toString().contains("\"c\""));
                assertEquals("a", whereC.path("node").asText(), whereC.toString());
                assertEquals(0, whereC.path("ownerPid").asLong(), whereC.toString());
                assertFalse(whereC.path("relayedBy").isEmpty(), "c's workers relaying it: " + whereC);
                JsonNode whereA = awaitWhere(a, w -> w.path("relayNodes").toString().equals("[\"c\"]"));
                assertEquals("a", whereA.path("node").asText(), whereA.toString());
                assertEquals(List.of("c"), texts(whereA.path("relayNodes")), whereA.toString());
                assertTrue(c.ctl("where", "live/cam").out().contains("published on host a, worker "),
                        c.ctl("where", "live/cam").out());

                // The API: a lists its stream with its node and (after a renewal) the relaying host;
                // c lists the stream it relays, with the owner's node.
                JsonNode streamOnA = awaitStream(a, st -> texts(st.path("relayNodes")).equals(List.of("c")));
                assertEquals("a", streamOnA.path("node").asText(), streamOnA.toString());
                JsonNode streamOnC = awaitStream(c, st -> st.path("players").asInt() == onC.size());
                assertEquals("a", streamOnC.path("node").asText(), streamOnC.toString());

                // Metrics: one stream relayed into c from a, and out of a to c.
                String metricsC = awaitMetrics(c, page -> page.contains("sluice_cluster_relays_in{from=\"a\"} 1.0"));
                assertTrue(metricsC.contains("sluice_cluster_redis_connected{node=\"c\"} 1.0"), metricsC);
                awaitMetrics(a, page -> page.contains("sluice_cluster_relays_out{to=\"c\"} 1.0"));

                // The publisher moves: it stops on a, then publishes the same name on b.
                first.close();
                assertTrue(TestPlayer.await(() -> all.stream().allMatch(p -> p.statuses().contains(UNPUBLISH)), 10),
                        "players without UnpublishNotify: " + describe(all));
                Map<TestPlayer, Integer> videoBefore = new HashMap<>();
                all.forEach(p -> videoBefore.put(p, p.video()));
                // A gives the lease back when its publisher leaves; b's claim would be refused before.
                assertTrue(TestPlayer.await(() -> cli(redis, "EXISTS", "sluice:stream:live/cam").equals("0"), 10),
                        "a released its lease");
                try (TestPublisher second = TestPublisher.publish(CLIENTS.group(), b.port(), "live", "cam", CLIENTS.flv())) {
                    assertTrue(TestPlayer.await(() -> all.stream().allMatch(p -> p.video() > videoBefore.get(p) + 10), 30),
                            "players that did not resume: " + describe(all));
                    for (TestPlayer p : all) {
                        assertFalse(p.isClosed(), "a player was disconnected");
                        assertEquals(0, p.timestampsWentBack(), "one timeline across publishers on two hosts");
                    }
                    JsonNode moved = awaitWhere(c, w -> "b".equals(w.path("node").asText()));
                    assertEquals("b", moved.path("node").asText(), moved.toString());
                    JsonNode onB = awaitWhere(b, w -> texts(w.path("relayNodes")).equals(List.of("a", "c")));
                    assertEquals(List.of("a", "c"), texts(onB.path("relayNodes")), onB.toString());
                }
            } finally {
                onA.forEach(TestPlayer::close);
                onC.forEach(TestPlayer::close);
            }
        }
    }

    private static String cli(RedisServer redis, String... args) {
        try {
            return redis.cli(args);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(List<TestPlayer> players) {
        return players.stream().map(p -> "[video " + p.video() + ", closed " + p.isClosed() + ", " + p.statuses() + "]")
                .collect(Collectors.joining(" "));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /**
     * Reads {@code read} every 200 ms until {@code wanted} holds, at most 15 s; fails with
     * {@code what} and the last value read.
     */
    static <T> T awaitValue(String what, Callable<T> read, Predicate<T> wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        T last = null;
        while (System.nanoTime() < deadline) {
            last = read.call();
            if (last != null && wanted.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(what + " never answered as wanted: " + last);
    }

    /** {@code bin/ctl where STREAM --json} on {@code s}, asked until {@code wanted} (an error answer is text). */
    static JsonNode awaitWhere(SluiceServer s, String stream, Predicate<JsonNode> wanted) throws Exception {
        return awaitValue("bin/ctl where " + stream + " on " + s.dir().getFileName(), () -> {
            SluiceServer.Result r = s.ctl("where", stream, "--json");
            return r.exitCode() == 0 ? new ObjectMapper().readTree(r.out()) : TextNode.valueOf(r.out() + r.err());
        }, wanted);
    }

    private static JsonNode awaitWhere(SluiceServer s, Predicate<JsonNode> wanted) throws Exception {
        return awaitWhere(s, "live/cam", wanted);
    }

    /** live/cam in {@code GET /api/v1/streams} (checked against docs/openapi.json), asked until {@code wanted}. */
    private JsonNode awaitStream(SluiceServer s, Predicate<JsonNode> wanted) throws Exception {
        return awaitValue("GET /api/v1/streams on " + s.dir().getFileName(), () -> {
            HttpResponse<String> r = get(s, "/api/v1/streams");
            JsonNode json = new ObjectMapper().readTree(r.body());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(List.of(), OPENAPI.problems("GET", "/api/v1/streams", 200, json), r.body());
            for (JsonNode st : json.path("streams")) {
                if (st.path("stream").asText().equals("live/cam")) {
                    return st;
                }
            }
            return json;
        }, wanted);
    }

    private String awaitMetrics(SluiceServer s, Predicate<String> wanted) throws Exception {
        return awaitValue("/metrics on " + s.dir().getFileName(), () -> get(s, "/metrics").body(), wanted);
    }

    private HttpResponse<String> get(SluiceServer s, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.apiPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
