package io.sluice.master.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.common.channel.ChannelJson;
import io.sluice.common.channel.ChannelRequestException;
import io.sluice.common.channel.ErrorCode;
import io.sluice.common.config.ApiSettings;
import io.sluice.common.config.ConfigDiff;
import io.sluice.common.protocol.control.ClientView;
import io.sluice.common.protocol.control.KickResult;
import io.sluice.common.protocol.control.MissingWorker;
import io.sluice.common.protocol.control.ReloadReport;
import io.sluice.common.protocol.control.StatusView;
import io.sluice.common.protocol.control.StreamView;
import io.sluice.common.protocol.control.SummaryView;
import io.sluice.master.control.WorkerQueries.Gathered;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operator listener's routing, checks and error answers, on an {@code EmbeddedChannel}. */
class ApiRequestHandlerTest {

    private static final String TOKEN = "0123456789abcdef-token";
    private static final OpenApiCheck OPENAPI = OpenApiCheck.load();

    private final FakeBackend backend = new FakeBackend();
    private ApiSettings settings = ApiSettings.defaults();
    private final EmbeddedChannel ch = new EmbeddedChannel();

    ApiRequestHandlerTest() {
        ApiServer.pipeline(ch.pipeline(), backend, new DashboardFiles(), () -> settings);
    }

    @AfterEach
    void finish() {
        assertFalse(ch.finishAndReleaseAll());
    }

    /** A parsed answer. */
    record Answer(int status, Map<String, String> headers, String body) {
        JsonNode json() {
            return ChannelJson.parse(body);
        }
    }

    private Answer send(String raw) {
        ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
        ch.runPendingTasks();
        StringBuilder text = new StringBuilder();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            text.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        String all = text.toString();
        int end = all.indexOf("\r\n\r\n");
        assertTrue(end > 0, "no complete answer: " + all);
        String[] head = all.substring(0, end).split("\r\n");
        Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < head.length; i++) {
            int colon = head[i].indexOf(':');
            headers.put(head[i].substring(0, colon), head[i].substring(colon + 1).trim());
        }
        String body = all.substring(end + 4);
        assertEquals(Integer.parseInt(headers.get("content-length")), body.getBytes(StandardCharsets.UTF_8).length);
        return new Answer(Integer.parseInt(head[0].split(" ")[1]), headers, body);
    }

    private Answer request(String method, String path, String... headers) {
        return send(method + " " + path + " HTTP/1.1\r\nHost: x\r\n" + String.join("", headers) + "\r\n");
    }

    /** The answer is JSON, documented in docs/openapi.json for this path, method and status. */
    private JsonNode documented(String method, String path, Answer a) {
        assertTrue(a.headers.get("content-type").startsWith("application/json"), a.headers.toString());
        JsonNode json = a.json();
        assertEquals(List.of(), OPENAPI.problems(method, path, a.status, json), a.body);
        return json;
    }

    private static void assertError(Answer a, int status, String text) {
        assertEquals(status, a.status, a.body);
        JsonNode json = a.json();
        assertEquals(status, json.get("code").asInt());
        assertTrue(json.get("error").asText().contains(text), json.get("error").asText());
    }

    @Test
    void summaryWorkersAndStreamsMatchTheDocument() {
        JsonNode summary = documented("GET", "/api/v1/summary", request("GET", "/api/v1/summary"));
        assertEquals(7, summary.get("players").asInt());
        JsonNode workers = documented("GET", "/api/v1/workers", request("GET", "/api/v1/workers"));
        assertEquals(2, workers.get("workers").size());
        assertEquals("running", workers.get("workers").get(0).get("state").asText());
        JsonNode streams = documented("GET", "/api/v1/streams", request("GET", "/api/v1/streams"));
        assertEquals("live/cam", streams.get("streams").get(0).get("stream").asText());
        assertEquals(2, streams.get("streams").get(0).get("playersByWorker").get("2").asInt());
        JsonNode one = documented("GET", "/api/v1/streams/live/cam", request("GET", "/api/v1/streams/live/cam"));
        assertEquals(3000, one.get("stream").get("kbps").asInt());
    }

    @Test
    void aWorkerThatDidNotAnswerIsNamedInPartial() {
        backend.missing = List.of(new MissingWorker(3, 1, "timeout"));
        JsonNode streams = documented("GET", "/api/v1/streams", request("GET", "/api/v1/streams"));
        assertEquals(3, streams.get("partial").get(0).get("worker").asInt());
        assertEquals("timeout", streams.get("partial").get(0).get("reason").asText());
        JsonNode clients = documented("GET", "/api/v1/clients", request("GET", "/api/v1/clients"));
        assertEquals(1, clients.get("partial").size());
    }

    @Test
    void clientsArePagedWithTheTotal() {
        for (int i = 0; i < 25; i++) {
            backend.clients.add(new ClientView(1 + i % 2, "c" + (100 + i), "127.0.0.1:5" + i, "rtmp", "player",
                    "live/cam", 10, 20, 1000));
        }
        JsonNode page1 = documented("GET", "/api/v1/clients?per_page=10",
                request("GET", "/api/v1/clients?per_page=10"));
        assertEquals(25, page1.get("total").asInt());
        assertEquals(10, page1.get("clients").size());
        assertEquals(1, page1.get("clients").get(0).get("worker").asInt());
        JsonNode page3 = documented("GET", "/api/v1/clients?page=3&per_page=10",
                request("GET", "/api/v1/clients?page=3&per_page=10"));
        assertEquals(5, page3.get("clients").size());
        assertEquals(2, page3.get("clients").get(4).get("worker").asInt());
        JsonNode beyond = documented("GET", "/api/v1/clients?page=9",
                request("GET", "/api/v1/clients?page=9&per_page=10"));
        assertEquals(0, beyond.get("clients").size());
        assertEquals(25, beyond.get("total").asInt());
    }

    @Test
    void badParametersAre400NamingTheProblem() {
        assertError(request("GET", "/api/v1/clients?per_page=5000"), 400, "per_page");
        assertError(request("GET", "/api/v1/clients?page=abc"), 400, "'abc'");
        assertError(request("GET", "/api/v1/clients?page=0"), 400, "page");
        assertError(request("GET", "/api/v1/clients?sort=id"), 400, "unknown query parameter 'sort'");
        assertError(request("GET", "/api/v1/streams/live/%zz"), 400, "percent-escape");
        Answer malformed = send("POST /api/v1/reload HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\n{\"a\":1");
        assertError(malformed, 400, "malformed JSON");
        assertEquals(0, backend.reloads);
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405WithAllow() {
        assertError(request("GET", "/api/v1/nothing"), 404, "no such path");
        assertError(request("GET", "/api/v2/summary"), 404, "no such path");
        assertError(request("GET", "/api/v1/streams/live"), 404, "no such path");
        assertError(request("GET", "/api/v1/streams/live/gone"), 404, "live/gone is not published");
        Answer post = request("POST", "/api/v1/summary");
        assertError(post, 405, "use GET");
        assertEquals("GET", post.headers.get("allow"));
        Answer get = request("GET", "/api/v1/reload");
        assertError(get, 405, "use POST");
        assertEquals(0, backend.reloads);
        assertError(request("DELETE", "/metrics"), 405, "use GET");
    }

    @Test
    void kickAndReloadMapTheControlErrorsToStatuses() {
        JsonNode kicked = documented("DELETE", "/api/v1/clients/c7", request("DELETE", "/api/v1/clients/c7"));
        assertEquals(2, kicked.get("worker").asInt());
        assertEquals("c7", backend.kicked);
        Answer unknown = request("DELETE", "/api/v1/clients/nobody");
        assertError(unknown, 404, "no client nobody");
        documented("DELETE", "/api/v1/clients/nobody", unknown);
        JsonNode reload = documented("POST", "/api/v1/reload", request("POST", "/api/v1/reload"));
        assertEquals("in place", reload.get("applied").asText());
        backend.reloadFailure = new ChannelRequestException(ErrorCode.NEEDS_RESTART, "api.listen can only change with a restart");
        Answer refused = request("POST", "/api/v1/reload");
        assertError(refused, 409, "api.listen");
        documented("POST", "/api/v1/reload", refused);
        backend.reloadFailure = new ChannelRequestException(ErrorCode.INVALID_CONFIG, "t.yaml:3:7: rtmp.port: bad");
        assertError(request("POST", "/api/v1/reload"), 422, "rtmp.port");
    }

    @Test
    void withATokenEveryApiCallNeedsItButTheDashboardFilesDoNot() {
        settings = new ApiSettings("0.0.0.0:1985", TOKEN, Duration.ofSeconds(1), false, 100);
        Answer none = request("GET", "/api/v1/summary");
        assertError(none, 401, "token");
        assertEquals("Bearer realm=\"sluice\"", none.headers.get("www-authenticate"));
        assertError(request("GET", "/metrics"), 401, "token");
        assertError(request("GET", "/api/v1/summary", "Authorization: Bearer " + TOKEN + "x\r\n"), 401, "token");
        assertError(request("GET", "/api/v1/summary", "Authorization: Basic " + TOKEN + "\r\n"), 401, "token");
        assertError(request("DELETE", "/api/v1/clients/c7"), 401, "token");
        assertEquals(null, backend.kicked);
        assertEquals(200, request("GET", "/api/v1/summary", "Authorization: Bearer " + TOKEN + "\r\n").status);
        assertEquals(200, request("GET", "/api/v1/summary", "authorization: bearer " + TOKEN + "\r\n").status);
        assertEquals(200, request("GET", "/dashboard/").status);
    }

    @Test
    void hugeRequestsAreRefusedAndTheConnectionClosed() {
        Answer line = request("GET", "/api/v1/summary?" + "x".repeat(ApiServer.MAX_REQUEST_LINE));
        assertEquals(414, line.status);
        assertFalse(ch.isOpen());
    }

    @Test
    void hugeHeadersAreRefused() {
        Answer headers = request("GET", "/api/v1/summary", ("X-Big: " + "y".repeat(1000) + "\r\n").repeat(10));
        assertEquals(431, headers.status);
        assertFalse(ch.isOpen());
    }

    @Test
    void aHugeBodyIsRefusedBeforeItIsRead() {
        Answer body = send("POST /api/v1/reload HTTP/1.1\r\nHost: x\r\nContent-Length: " + (ApiServer.MAX_BODY + 1)
                + "\r\n\r\n{}");
        assertError(body, 413, "request body over");
        assertFalse(ch.isOpen());
        assertEquals(0, backend.reloads);
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() {
        assertEquals(200, request("GET", "/api/v1/summary").status);
        assertEquals(200, request("GET", "/api/v1/workers").status);
        assertTrue(ch.isOpen());
        Answer last = request("GET", "/api/v1/summary", "Connection: close\r\n");
        assertEquals("close", last.headers.get("connection"));
        assertFalse(ch.isOpen());
    }

    @Test
    void theDashboardIsServedFromTheJar() {
        Answer root = request("GET", "/");
        assertEquals(301, root.status);
        assertEquals("/dashboard/", root.headers.get("location"));
        Answer index = request("GET", "/dashboard/");
        assertEquals(200, index.status);
        assertTrue(index.headers.get("content-type").startsWith("text/html"));
        assertTrue(index.body.contains("dashboard.js"), index.body);
        assertError(request("GET", "/dashboard/../../etc/passwd"), 404, "no such dashboard file");
    }

    /** Fixed answers, as a master with two workers would give them. */
    static final class FakeBackend implements ApiBackend {
        List<MissingWorker> missing = List.of();
        final List<ClientView> clients = new ArrayList<>();
        String kicked;
        int reloads;
        ChannelRequestException reloadFailure;

        @Override
        public CompletableFuture<SummaryView> summary() {
            return CompletableFuture.completedFuture(new SummaryView("0.1.0", 42, 5000, 1, 2, 1, 9, 1, 7, 1000, 9000, 0,
                    "0.0.0.0:8080"));
        }

        @Override
        public CompletableFuture<StatusView> status() {
            List<StatusView.WorkerView> workers = List.of(
                    new StatusView.WorkerView(1, 101, 1, "running", 4000, 5, 1, 3, Map.of("rtmp", 3), 1, 500, 4000,
                            30_000_000, 80, 300, 0, Map.of("rule", 2L)),
                    new StatusView.WorkerView(2, 102, 1, "running", 4000, 4, 0, 4, Map.of("http-flv", 4), 1, 500, 5000,
                            31_000_000, -1, -1, 0, Map.of()));
            return CompletableFuture.completedFuture(new StatusView(42, 5000, 1, "conf/sluice.yaml", "0.0.0.0", 1935,
                    "0.0.0.0:8080", workers, Map.of()));
        }

        @Override
        public CompletableFuture<Gathered<List<StreamView>>> streams(Duration deadline) {
            StreamView cam = new StreamView("live/cam", 1, List.of(2), "127.0.0.1:40000", 7,
                    Map.of("rtmp", 3, "http-flv", 4), Map.of(1, 5, 2, 2), 3000, 1_875_000, 21_000, 13_125_000, "H264",
                    "AAC", 5000, "edge-1", List.of("edge-2"));
            return CompletableFuture.completedFuture(new Gathered<>(List.of(cam), missing));
        }

        @Override
        public CompletableFuture<Gathered<List<ClientView>>> clients(Duration deadline) {
            return CompletableFuture.completedFuture(new Gathered<>(clients, missing));
        }

        @Override
        public CompletableFuture<KickResult> kick(String clientId, Duration deadline) {
            if (!clientId.equals("c7")) {
                return CompletableFuture.failedFuture(new ChannelRequestException(ErrorCode.NOT_FOUND,
                        "no client " + clientId));
            }
            kicked = clientId;
            return CompletableFuture.completedFuture(new KickResult(2, clientId));
        }

        @Override
        public CompletableFuture<ReloadReport> reload() {
            reloads++;
            if (reloadFailure != null) {
                return CompletableFuture.failedFuture(reloadFailure);
            }
            return CompletableFuture.completedFuture(new ReloadReport(List.of(new ConfigDiff.Change("log.level", "info",
                    "debug", ConfigDiff.Apply.IN_PLACE)), "in place", 1, 3, "1 change applied in place"));
        }

        @Override
        public CompletableFuture<String> metrics() {
            return CompletableFuture.completedFuture("# EOF\n");
        }
    }
}
