package io.sluice.master.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sluice.common.access.UrlSignature;
import io.sluice.common.testing.Ffmpeg;
import io.sluice.common.testing.Processes;
import io.sluice.worker.it.TestMedia;
import io.sluice.worker.it.TestPlayer;
import io.sluice.worker.it.TestPublisher;
import io.sluice.worker.rtmp.client.RtmpClient;
import io.sluice.worker.rtmp.client.RtmpStatusException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Access control with real processes (issue 15): an nginx-rtmp style back-end (the JDK's HTTP
 * server) renaming a secret key to a public name, a hook that hangs, signed URLs, address rules,
 * HTTP-FLV with the query string, and a reload that does not touch admitted players.
 */
@Timeout(180)
class AccessControlIT {

    private static final String SECRET = "it-secret-0123456789";

    @RegisterExtension
    static final TestClients CLIENTS = new TestClients();

    /** The operator's web service: records every call's form; what it answers is up to each path. */
    static final class Backend implements AutoCloseable {
        final HttpServer server;
        final List<Map<String, String>> calls = new CopyOnWriteArrayList<>();
        final CountDownLatch release = new CountDownLatch(1);
        private final ExecutorService executor = Executors.newCachedThreadPool();

        Backend() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(executor);
            server.createContext("/publish", ex -> {
                Map<String, String> form = record(ex);
                if (form.get("name").equals("SECRET") && "k1".equals(form.get("key"))) {
                    ex.getResponseHeaders().set("Location", "public");
                    answer(ex, 302);
                } else {
                    answer(ex, 403);
                }
            });
            server.createContext("/done", ex -> {
                record(ex);
                answer(ex, 200);
            });
            server.createContext("/hang", ex -> {
                record(ex);
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                answer(ex, 200);
            });
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        private Map<String, String> record(HttpExchange ex) throws IOException {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> form = new LinkedHashMap<>();
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            form.put("#path", ex.getRequestURI().getPath());
            form.put("#type", String.valueOf(ex.getRequestHeaders().getFirst("Content-Type")));
            calls.add(form);
            return form;
        }

        private static void answer(HttpExchange ex, int status) throws IOException {
            ex.sendResponseHeaders(status, -1);
            ex.close();
        }

        Map<String, String> awaitCall(String call, String name, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                for (Map<String, String> c : calls) {
                    if (call.equals(c.get("call")) && name.equals(c.get("name"))) {
                        return c;
                    }
                }
                Thread.sleep(50);
            }
            fail("no " + call + " call for " + name + " within " + seconds + " s: " + calls);
            return null;
        }

        @Override
        public void close() {
            release.countDown();
            server.stop(0);
            executor.shutdownNow();
        }
    }

    @Test
    void aSecretKeyPublishesAsThePublicNameAndPlaysThroughAWorkerThatDoesNotOwnIt(@TempDir Path dir)
            throws Exception {
        try (Backend backend = new Backend(); Processes processes = new Processes();
             SluiceServer s = SluiceServer.start(dir, "workers: 2\nhooks:\n  on_publish: " + backend.url("/publish")
                     + "\n  on_publish_done: " + backend.url("/done") + "\n")) {
            Process encoder = processes.start(dir.resolve("publisher.log"),
                    TestMedia.publishCommand(90, "rtmp://127.0.0.1:" + s.port() + "/live/SECRET?key=k1"));
            s.awaitLog("publish started", 30);
            long owner = ownerPid(s, "live/public");
            Map<String, String> call = backend.awaitCall("publish", "SECRET", 5);
            assertEquals("k1", call.get("key"));
            assertEquals("live", call.get("app"));
            assertEquals("127.0.0.1", call.get("addr"));
            assertEquals("live", call.get("type"));
            assertTrue(call.get("tcurl").startsWith("rtmp://127.0.0.1:" + s.port() + "/live"), call.toString());
            assertFalse(call.get("clientid").isEmpty());
            assertEquals("application/x-www-form-urlencoded", call.get("#type"));
            assertEquals(1, s.ctl("where", "live/SECRET").exitCode(), "the secret name is never published");

            // ffprobe, pinned to the worker that does not own the stream, sees it under the public name.
            try (PinnedProxy proxy = new PinnedProxy(() -> s.connectAvoiding(s.port(), owner))) {
                Path log = dir.resolve("ffprobe.log");
                int exit = processes.run(log, Duration.ofSeconds(60), List.of(Ffmpeg.ffprobe(), "-v", "error",
                        "-rw_timeout", "20000000", "-show_entries", "stream=codec_name", "-of", "csv=p=0",
                        "rtmp://127.0.0.1:" + proxy.port() + "/live/public"));
                assertEquals(0, exit, Processes.tail(log, 20));
                String probed = Files.readString(log);
                assertTrue(probed.contains("h264") && probed.contains("aac"), probed);
            }

            // A key the back-end does not know: ffmpeg is refused and exits with an error.
            Path denied = dir.resolve("denied.log");
            int exit = processes.run(denied, Duration.ofSeconds(60),
                    TestMedia.publishCommand(10, "rtmp://127.0.0.1:" + s.port() + "/live/other?key=bad"));
            assertNotEquals(0, exit, "a refused publish makes ffmpeg fail");
            backend.awaitCall("publish", "other", 5);

            Processes.destroy(encoder);
            Map<String, String> done = backend.awaitCall("publish_done", "public", 20);
            assertEquals("k1", done.get("key"), "the done-callback carries the publish's arguments");
        }
    }

    @Test
    void aHookThatHangsDeniesAfterItsTimeoutWhileOtherSessionsCarryOn(@TempDir Path dir) throws Exception {
        try (Backend backend = new Backend(); Processes processes = new Processes();
             SluiceServer s = SluiceServer.start(dir, "workers: 1\napps:\n  live: {}\n  slow:\n    on_play: "
                     + backend.url("/hang") + "\nhooks:\n  timeout: 1s\n")) {
            processes.start(dir.resolve("publisher.log"),
                    TestMedia.publishCommand(60, "rtmp://127.0.0.1:" + s.port() + "/live/cam"));
            s.awaitLog("publish started", 30);
            try (TestPlayer live = TestPlayer.play(CLIENTS.group(), s.port(), "live", "cam")) {
                assertTrue(TestPlayer.await(() -> live.video() > 10, 20), "the live player plays");
                int before = live.video();
                long start = System.nanoTime();
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> TestPlayer.play(CLIENTS.group(), s.port(), "slow", "x").close());
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                RtmpStatusException refused = assertInstanceOf(RtmpStatusException.class, e.getCause());
                assertEquals("NetStream.Play.Failed", refused.code());
                assertTrue(ms >= 900 && ms < 5000, "denied after the 1 s timeout, took " + ms + " ms");
                assertTrue(live.video() > before + 5, "the live player carried on while the hook hung: "
                        + before + " -> " + live.video());
                assertFalse(live.isClosed());
                backend.awaitCall("play", "x", 5);
                s.awaitLog("no answer within 1000 ms", 5);
            }
        }
    }

    @Test
    void signedUrlsRulesAndHttpFlvWithTheQueryString(@TempDir Path dir) throws Exception {
        String yaml = "workers: 1\napps:\n  live:\n    publish: [allow 127.0.0.1, deny all]\n    secrets: [" + SECRET
                + "]\n    signed: play\n  lan:\n    publish: [deny 127.0.0.0/8]\n";
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (Processes processes = new Processes(); SluiceServer s = SluiceServer.start(dir, yaml)) {
            ExecutionException lan = assertThrows(ExecutionException.class,
                    () -> TestPublisher.publish(CLIENTS.group(), s.port(), "lan", "x", CLIENTS.flv()).close());
            assertEquals("NetStream.Publish.BadName", ((RtmpStatusException) lan.getCause()).code());
            ExecutionException unknown = assertThrows(ExecutionException.class,
                    () -> RtmpClient.connect(CLIENTS.group(), new InetSocketAddress("127.0.0.1", s.port()), "nope",
                            "rtmp://127.0.0.1/nope", new io.sluice.worker.rtmp.client.ClientListener() { },
                            Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS));
            assertTrue(unknown.getCause().getMessage().contains("NetConnection.Connect.Rejected"),
                    unknown.getCause().getMessage());

            processes.start(dir.resolve("publisher.log"),
                    TestMedia.publishCommand(60, "rtmp://127.0.0.1:" + s.port() + "/live/cam"));
            s.awaitLog("publish started", 30);

            SluiceServer.Result signed = s.ctl("sign", "live/cam", "--ttl", "1h");
            assertEquals(0, signed.exitCode(), signed.err());
            String flvUrl = signed.out().lines().filter(l -> l.startsWith("http://")).findFirst().orElseThrow();
            assertTrue(flvUrl.startsWith("http://127.0.0.1:" + s.httpPort() + "/live/cam.flv?expires="), flvUrl);
            HttpResponse<InputStream> ok = http.send(HttpRequest.newBuilder(URI.create(flvUrl)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = ok.body()) {
                assertEquals(200, ok.statusCode());
                assertEquals("FLV", new String(body.readNBytes(3), StandardCharsets.US_ASCII));
            }
            String query = flvUrl.substring(flvUrl.indexOf('?') + 1);

            long now = System.currentTimeMillis() / 1000;
            String base = "http://127.0.0.1:" + s.httpPort();
            assertRefused(http, base + "/live/cam.flv", 403, "no signature");
            assertRefused(http, base + "/live/cam.flv?" + UrlSignature.query("live", "cam", now - 10, SECRET), 403,
                    "expired");
            String tampered = query.substring(0, query.length() - 1) + (query.endsWith("0") ? "1" : "0");
            assertRefused(http, base + "/live/cam.flv?" + tampered, 403, "does not match");
            assertRefused(http, base + "/live/cam2.flv?" + query, 403, "does not match");
            assertRefused(http, base + "/nope/cam.flv?" + query, 404, "not served");
            assertRefused(http, base + "/live/cam.flv?t=" + "x".repeat(1100), 400, "longer than 1024");

            try (TestPlayer player = TestPlayer.play(CLIENTS.group(), s.port(), "live", "cam?" + query)) {
                assertTrue(TestPlayer.await(() -> player.video() > 5, 20), "a signed RTMP play gets video");
            }
            ExecutionException unsigned = assertThrows(ExecutionException.class,
                    () -> TestPlayer.play(CLIENTS.group(), s.port(), "live", "cam").close());
            assertEquals("NetStream.Play.Failed", ((RtmpStatusException) unsigned.getCause()).code());

            // Counted by reason, and shown by bin/ctl workers once a heartbeat carried it.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String workers = s.ctl("workers").out();
            while (!workers.contains("signature 5") && System.nanoTime() < deadline) {
                Thread.sleep(200);
                workers = s.ctl("workers").out();
            }
            assertTrue(workers.contains("DENIED")
                    && workers.contains("(bad request 1, rule 1, signature 5, unknown app 2)"), workers);
        }
    }

    @Test
    void aReloadAppliesToNewSessionsAndKeepsTheAdmittedOnes(@TempDir Path dir) throws Exception {
        try (Processes processes = new Processes(); SluiceServer s = SluiceServer.start(dir, "workers: 1\n")) {
            processes.start(dir.resolve("publisher.log"),
                    TestMedia.publishCommand(60, "rtmp://127.0.0.1:" + s.port() + "/live/cam"));
            s.awaitLog("publish started", 30);
            try (TestPlayer admitted = TestPlayer.play(CLIENTS.group(), s.port(), "live", "cam")) {
                assertTrue(TestPlayer.await(() -> admitted.video() > 5, 20));
                s.rewrite("workers: 1\napps:\n  live:\n    play: [deny all]\n");
                SluiceServer.Result reload = s.ctl("reload");
                assertEquals(0, reload.exitCode(), reload.err());
                assertTrue(reload.out().contains("apps"), reload.out());
                s.awaitLog("settings updated by the master", 10);
                ExecutionException refused = assertThrows(ExecutionException.class,
                        () -> TestPlayer.play(CLIENTS.group(), s.port(), "live", "cam").close());
                assertEquals("NetStream.Play.Failed", ((RtmpStatusException) refused.getCause()).code());
                int before = admitted.video();
                assertTrue(TestPlayer.await(() -> admitted.video() > before + 10, 20),
                        "the player admitted before the reload keeps playing");
                assertFalse(admitted.isClosed());
            }
        }
    }

    @Test
    void limitsHoldAcrossWorkers(@TempDir Path dir) throws Exception {
        String yaml = "workers: 2\napps:\n  live:\n    max_players_per_stream: 1\n    max_streams: 1\n";
        try (Processes processes = new Processes(); SluiceServer s = SluiceServer.start(dir, yaml)) {
            processes.start(dir.resolve("publisher.log"),
                    TestMedia.publishCommand(60, "rtmp://127.0.0.1:" + s.port() + "/live/cam"));
            s.awaitLog("publish started", 30);
            ExecutionException second = assertThrows(ExecutionException.class,
                    () -> TestPublisher.publish(CLIENTS.group(), s.port(), "live", "other", CLIENTS.flv()).close());
            RtmpStatusException streams = (RtmpStatusException) second.getCause();
            assertEquals("NetStream.Publish.BadName", streams.code());
            assertTrue(streams.getMessage().contains("max_streams"), streams.getMessage());

            TestPlayer first = TestPlayer.play(CLIENTS.group(), s.port(), "live", "cam");
            long firstWorker = s.serverPidFor(first.localPort()).orElseThrow();
            try (PinnedProxy elsewhere = new PinnedProxy(() -> s.connectAvoiding(s.port(), firstWorker))) {
                ExecutionException over = assertThrows(ExecutionException.class,
                        () -> TestPlayer.play(CLIENTS.group(), elsewhere.port(), "live", "cam").close());
                RtmpStatusException players = (RtmpStatusException) over.getCause();
                assertEquals("NetStream.Play.Failed", players.code());
                assertTrue(players.getMessage().contains("max_players_per_stream"), players.getMessage());
                s.awaitLog("refused on worker", 5); // the master counted it

                first.close(); // its place is given back at the master
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                TestPlayer next = null;
                while (next == null && System.nanoTime() < deadline) {
                    try {
                        next = TestPlayer.play(CLIENTS.group(), elsewhere.port(), "live", "cam");
                    } catch (ExecutionException stillCounted) {
                        Thread.sleep(100); // the leave may still be on its way to the master
                    }
                }
                assertTrue(next != null, "a player on the other worker is admitted once the first left");
                try (TestPlayer admitted = next) {
                    assertTrue(TestPlayer.await(() -> admitted.video() > 5, 20));
                }
            }
        }
    }

    private static void assertRefused(HttpClient http, String url, int status, String because) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(status, r.statusCode(), url + ": " + r.body());
        assertTrue(r.body().contains(because), url + ": " + r.body());
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
