package io.sluice.master.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.common.testing.Ffmpeg;
import io.sluice.common.testing.Processes;
import io.sluice.worker.it.TestMedia;
import io.sluice.worker.it.TestPlayer;
import io.sluice.worker.it.TestPublisher;
import io.sluice.worker.media.MediaTag;
import io.sluice.worker.media.MediaTagReader;
import io.sluice.worker.rtmp.client.ClientListener;
import io.sluice.worker.rtmp.client.RtmpClient;
import io.sluice.worker.rtmp.client.RtmpStatusException;
import io.sluice.worker.rtmp.message.MediaMessage;
import io.sluice.worker.rtmp.message.VideoData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Stream location and on-demand relays between real worker processes (issue 4): a publisher
 * lands on one worker, players on any; players on other workers get the stream through one
 * relay per worker, a name is published once cluster-wide, and players survive their publisher
 * leaving, coming back elsewhere, and the owner worker being killed.
 *
 * <p>Which worker a connection lands on is the kernel's choice (SO_REUSEPORT hashes the
 * addresses), so the tests never assume it: they look at {@code ss} to see where each
 * connection went, and connect again (a bounded number of times) when they need one on a
 * particular worker.
 */
class RelayIT {

    private static final String UNPUBLISH = "NetStream.Play.UnpublishNotify";
    private static final String PLAY_START = "NetStream.Play.Start";
    private static final String PLAY_RESET = "NetStream.Play.Reset";
    /** Connections tried at most when a test needs one on a particular worker (each is a coin toss or better). */
    private static final int MAX_TRIES = 60;

    @RegisterExtension
    static final TestClients CLIENTS = new TestClients();

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {2, 4})
    @Timeout(150)
    void fortyPlayersGetTheStreamWhicheverWorkerTheyLandOn(int workers, @TempDir Path dir) throws Exception {
        try (SluiceServer s = SluiceServer.start(dir, "workers: " + workers + "\n");
             TestPublisher publisher = TestPublisher.publish(CLIENTS.group(), s.port(), "live", "cam", CLIENTS.flv());
             Players players = new Players()) {
            Map<Long, Integer> ids = workerIds(s, workers);
            int owner = ids.get(s.serverPidFor(publisher.localPort()).orElseThrow());

            for (int i = 0; i < 40; i++) {
                players.add(TestPlayer.play(CLIENTS.group(), s.port(), "live", "cam"));
            }
            Map<TestPlayer, Integer> where = placement(s, ids, players);
            // 40 players all on the owner is a 1 in 2^40 chance, but only more players make it impossible.
            while (where.values().stream().allMatch(w -> w == owner) && players.size() < 40 + MAX_TRIES) {
                TestPlayer extra = TestPlayer.play(CLIENTS.group(), s.port(), "live", "cam");
                players.add(extra);
                where = placement(s, ids, players);
            }
            Set<Integer> relayingWorkers = where.values().stream().filter(w -> w != owner)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertFalse(relayingWorkers.isEmpty(), "no player landed on a worker other than the owner");

            assertTrue(TestPlayer.await(() -> players.all().allMatch(p -> p.video() > 0 && p.audio() > 0), 30),
                    "players without video or audio: " + describe(players.list(), where,
                            p -> p.video() == 0 || p.audio() == 0));
            for (TestPlayer p : players.list()) {
                assertEquals(Boolean.TRUE, p.firstCodedWasKey(), "first coded video frame on worker "
                        + where.get(p) + " is not a key frame");
                assertFalse(p.isClosed(), "a player was disconnected");
                assertTrue(p.statuses().contains(PLAY_START), p.statuses().toString());
            }

            // The master's directory: the owner, and exactly the workers with players relay.
            JsonNode answer = awaitWhere(s, "live/cam",
                    a -> relayedBy(a).equals(relayingWorkers) && a.path("owner").asInt() == owner, 10);
            assertEquals(owner, answer.path("owner").asInt(), answer.toString());
            assertEquals(s.serverPidFor(publisher.localPort()).orElseThrow(), answer.path("ownerPid").asLong());
            assertEquals(relayingWorkers, relayedBy(answer), answer.toString());
            assertEquals(answer.path("relayedBy").size(), relayedBy(answer).size(), "a worker listed twice: " + answer);

            // One relay per (stream, worker): the owner serves exactly one relay connection per
            // relaying worker, and each worker set up exactly one relay, however many players it has.
            JsonNode clients = json(s.ctl("clients", "--json"));
            int relayConnections = 0;
            for (JsonNode c : clients) {
                if (c.path("role").asText().equals("relay")) {
                    assertEquals(owner, c.path("worker").asInt(), "a relay connection to a non-owner: " + c);
                    assertEquals("live/cam", c.path("stream").asText());
                    relayConnections++;
                }
            }
            assertEquals(relayingWorkers.size(), relayConnections, "relay connections on the owner: " + clients);
            List<String> relayLines = s.logLines("relaying live/cam from worker " + owner + " ");
            assertEquals(relayingWorkers.size(), relayLines.size(), "relays set up: " + relayLines);
            assertEquals(relayingWorkers.size(), relayLines.stream().map(RelayIT::processTag).distinct().count(),
                    "one relay per worker: " + relayLines);
        }
    }

    @Test
    @Timeout(120)
    void ffmpegPlaysThroughAWorkerThatIsNotTheOwner(@TempDir Path dir) throws Exception {
        try (SluiceServer s = SluiceServer.start(dir, "workers: 2\n"); Processes ffmpeg = new Processes()) {
            Map<Long, Integer> ids = workerIds(s, 2);
            List<String> publish = new ArrayList<>(List.of(Ffmpeg.ffmpeg(), "-nostdin", "-hide_banner",
                    "-loglevel", "warning"));
            publish.addAll(TestMedia.generatedInput(true, 60));
            publish.addAll(TestMedia.h264Aac());
            publish.addAll(List.of("-f", "flv", "rtmp://127.0.0.1:" + s.port() + "/live/ff"));
            ffmpeg.start(dir.resolve("publish.log"), publish);
            s.awaitLog("publish started", 30);
            // The publisher is the only connection yet: its worker owns the stream.
            Map<Integer, Long> connections = s.serverPidsByClientPort();
            assertEquals(1, connections.size(), connections.toString());
            long ownerPid = connections.values().iterator().next();

            // ffmpeg chooses no local port, so which worker it lands on cannot be steered. It connects
            // to a proxy instead whose connection to Sluice was picked to land on the other worker.
            try (Socket upstream = s.connectAvoiding(s.port(), ownerPid); PinnedProxy proxy = new PinnedProxy(() -> upstream)) {
                long servedBy = s.serverPidFor(upstream.getLocalPort()).orElseThrow();
                Path progress = dir.resolve("progress.txt");
                Path log = dir.resolve("play.log");
                int exit = ffmpeg.run(log, Duration.ofSeconds(60), List.of(Ffmpeg.ffmpeg(), "-nostdin", "-hide_banner",
                        "-i", "rtmp://127.0.0.1:" + proxy.port() + "/live/ff", "-t", "3", "-f", "null", "-",
                        "-progress", progress.toString()));
                assertEquals(0, exit, Processes.tail(log, 20));
                int frames = Files.readAllLines(progress).stream().filter(l -> l.startsWith("frame="))
                        .mapToInt(l -> Integer.parseInt(l.substring(6).trim())).max().orElse(0);
                assertTrue(frames >= 60, "decoded " + frames + " frames through worker " + ids.get(servedBy));
                assertEquals(1, s.logLines("relaying live/ff from worker " + ids.get(ownerPid) + " ").size(),
                        "the player's worker relayed the stream from the owner");
            }
        }
    }

    @Test
    @Timeout(120)
    void aSecondPublisherOfALiveNameIsRefusedOnEveryWorker(@TempDir Path dir) throws Exception {
        try (SluiceServer s = SluiceServer.start(dir, "workers: 2\n");
             TestPublisher first = TestPublisher.publish(CLIENTS.group(), s.port(), "live", "cam", CLIENTS.flv());
             Players players = new Players()) {
            long ownerPid = s.serverPidFor(first.localPort()).orElseThrow();
            for (boolean sameWorker : new boolean[] {false, true}) {
                RtmpClient second = connectPublisher(s, sameWorker ? Optional.of(ownerPid) : Optional.empty(), ownerPid);
                ExecutionException refused = assertThrows(ExecutionException.class,
                        () -> TestPublisher.publish(second, "cam", CLIENTS.flv()).close(),
                        "a second publisher on the " + (sameWorker ? "same" : "other") + " worker");
                RtmpStatusException status = assertInstanceOf(RtmpStatusException.class, refused.getCause());
                assertEquals("NetStream.Publish.BadName", status.code());
                assertTrue(TestPlayer.await(() -> !second.isActive(), 5), "the refused publisher is disconnected");
            }
            assertEquals(1, s.logLines("already being published on another worker").size());

            // The first publisher is untouched: players on both workers still get it.
            players.add(TestPlayer.play(CLIENTS.group(), s.port(), "live", "cam"));
            assertTrue(TestPlayer.await(() -> players.all().allMatch(p -> p.video() > 0), 15));
            JsonNode answer = json(s.ctl("where", "live/cam", "--json"));
            assertEquals(ownerPid, answer.path("ownerPid").asLong(), "the owner did not change: " + answer);
        }
    }

    @Test
    @Timeout(120)
    void playersOnEveryWorkerResumeWhenThePublisherComesBackElsewhere(@TempDir Path dir) throws Exception {
        try (SluiceServer s = SluiceServer.start(dir, "workers: 2\n"); Players players = new Players()) {
            Map<Long, Integer> ids = workerIds(s, 2);
            TestPublisher first = TestPublisher.publish(CLIENTS.group(), s.port(), "live", "cam", CLIENTS.flv());
            long firstOwner = s.serverPidFor(first.localPort()).orElseThrow();
            Map<TestPlayer, Integer> where = playersOnEveryWorker(s, ids, players, "cam", 2);
            assertTrue(TestPlayer.await(() -> players.all().allMatch(p -> p.video() > 0 && p.audio() > 0), 20),
                    describe(players.list(), where, p -> p.video() == 0));

            first.close();
            assertTrue(TestPlayer.await(() -> players.all().allMatch(p -> p.statuses().contains(UNPUBLISH)), 10),
                    "players without UnpublishNotify: " + describe(players.list(), where,
                            p -> !p.statuses().contains(UNPUBLISH)));
            Map<TestPlayer, Integer> videoBefore = new HashMap<>();
            players.list().forEach(p -> videoBefore.put(p, p.video()));

            // The same name again, on the other worker: the old owner now relays from the new one.
            RtmpClient client = connectPublisher(s, Optional.empty(), firstOwner);
            try (TestPublisher second = TestPublisher.publish(client, "cam", CLIENTS.flv())) {
                long secondOwner = s.serverPidFor(second.localPort()).orElseThrow();
                assertTrue(TestPlayer.await(() -> players.all().allMatch(p -> resumed(p) && p.video() > videoBefore.get(p) + 10), 20),
                        "players that did not resume: " + describe(players.list(), where,
                                p -> !resumed(p) || p.video() <= videoBefore.get(p) + 10));
                for (TestPlayer p : players.list()) {
                    assertFalse(p.isClosed(), "a player was disconnected");
                    assertEquals(0, p.timestampsWentBack(), "one timeline across publishers, worker " + where.get(p));
                }
                JsonNode answer = awaitWhere(s, "live/cam", a -> a.path("ownerPid").asLong() == secondOwner
                        && relayedBy(a).equals(Set.of(ids.get(firstOwner))), 10);
                assertEquals(Set.of(ids.get(firstOwner)), relayedBy(answer), answer.toString());
            }
        }
    }

    @Test
    @Timeout(120)
    void playersElsewhereWaitOutAKilledOwnerAndResumeOnRepublish(@TempDir Path dir) throws Exception {
        try (SluiceServer s = SluiceServer.start(dir, "workers: 2\n"); Players players = new Players()) {
            Map<Long, Integer> ids = workerIds(s, 2);
            TestPublisher publisher = TestPublisher.publish(CLIENTS.group(), s.port(), "live", "cam", CLIENTS.flv());
            long ownerPid = s.serverPidFor(publisher.localPort()).orElseThrow();
            Map<TestPlayer, Integer> where = playersOnEveryWorker(s, ids, players, "cam", 2);
            assertTrue(TestPlayer.await(() -> players.all().allMatch(p -> p.video() > 0 && p.audio() > 0), 20),
                    describe(players.list(), where, p -> p.video() == 0));
            int owner = ids.get(ownerPid);
            List<TestPlayer> elsewhere = players.list().stream().filter(p -> where.get(p) != owner).toList();
            List<TestPlayer> onOwner = players.list().stream().filter(p -> where.get(p) == owner).toList();

            ProcessHandle.of(ownerPid).orElseThrow().destroyForcibly(); // kill -9
            assertTrue(TestPlayer.await(() -> elsewhere.stream().allMatch(p -> p.statuses().contains(UNPUBLISH)), 10),
                    "players elsewhere without UnpublishNotify: " + describe(elsewhere, where,
                            p -> !p.statuses().contains(UNPUBLISH)));
            assertTrue(TestPlayer.await(() -> onOwner.stream().allMatch(TestPlayer::isClosed), 10),
                    "players on the killed worker are gone");
            publisher.close();
            s.awaitLogCount("running after", 3, 30); // the replacement
            Map<TestPlayer, Integer> videoBefore = new HashMap<>();
            elsewhere.forEach(p -> videoBefore.put(p, p.video()));
            for (TestPlayer p : elsewhere) {
                assertFalse(p.isClosed(), "a player on another worker was disconnected");
            }

            try (TestPublisher again = TestPublisher.publish(CLIENTS.group(), s.port(), "live", "cam", CLIENTS.flv())) {
                assertTrue(TestPlayer.await(() -> elsewhere.stream().allMatch(p -> resumed(p) && p.video() > videoBefore.get(p) + 10), 20),
                        "players that did not resume: " + describe(elsewhere, where,
                                p -> !resumed(p) || p.video() <= videoBefore.get(p) + 10));
                for (TestPlayer p : elsewhere) {
                    assertFalse(p.isClosed(), "a player on another worker was disconnected");
                    assertEquals(0, p.timestampsWentBack(), "one timeline across publishers");
                }
            }
        }
    }

    /**
     * Figures, not a timed assertion (the machine is shared): time from {@code play} to the first
     * coded video frame for a player on a worker without a relay yet (locate, relay set-up, GOP)
     * and for a player on the owner. The relay lingers 0 s, so each cross-worker sample starts
     * without one; the master log proves it (one new "relaying" line per sample).
     */
    @Test
    @Timeout(120)
    void timeToFirstFrameAcrossWorkers(@TempDir Path dir) throws Exception {
        int samples = 15;
        try (SluiceServer s = SluiceServer.start(dir, "workers: 2\nplayers:\n  idle_relay_linger: 0s\n");
             TestPublisher publisher = TestPublisher.publish(CLIENTS.group(), s.port(), "live", "cam", CLIENTS.flv())) {
            long ownerPid = s.serverPidFor(publisher.localPort()).orElseThrow();
            // A GOP in the owner's cache: the stream's codecs are known once its first frames arrived.
            assertTrue(TestPlayer.await(() -> streamHasVideo(s, "live/cam"), 10), "the publisher's video arrives");
            List<Long> relayed = new ArrayList<>();
            List<Long> local = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(80);
            int tries = 0;
            while ((relayed.size() < samples || local.size() < samples) && System.nanoTime() < deadline
                    && tries++ < 6 * samples) {
                FirstFrame listener = new FirstFrame();
                boolean sampledRelay = false;
                RtmpClient client = RtmpClient.connect(CLIENTS.group(), new InetSocketAddress("127.0.0.1", s.port()), "live",
                        "rtmp://127.0.0.1:" + s.port() + "/live", listener, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
                try {
                    int port = ((InetSocketAddress) client.channel().localAddress()).getPort();
                    boolean onOwner = s.serverPidFor(port).orElseThrow() == ownerPid;
                    List<Long> into = onOwner ? local : relayed;
                    if (into.size() >= samples) {
                        continue;
                    }
                    int relaysBefore = s.logLines("relaying live/cam from").size();
                    long t0 = System.nanoTime();
                    client.play(client.createStream().get(10, TimeUnit.SECONDS), "cam").get(10, TimeUnit.SECONDS);
                    assertTrue(TestPlayer.await(() -> listener.firstVideoNanos != 0, 10), "no video");
                    assertEquals(Boolean.TRUE, listener.firstWasKey);
                    into.add(TimeUnit.NANOSECONDS.toMicros(listener.firstVideoNanos - t0));
                    sampledRelay = !onOwner;
                    if (!onOwner) {
                        assertTrue(TestPlayer.await(() -> countLines(s, "relaying live/cam from") == relaysBefore + 1, 5),
                                "this player's worker set up a new relay");
                    }
                } finally {
                    client.close();
                }
                if (sampledRelay) {
                    // The relay closes after two idle checks (250 ms apart) with no player left.
                    assertTrue(relayedBy(awaitWhere(s, "live/cam", w -> relayedBy(w).isEmpty(), 10)).isEmpty(),
                            "the relay closed once its player left");
                }
            }
            assertTrue(relayed.size() >= 5 && local.size() >= 5, "samples: " + relayed.size() + " relayed, "
                    + local.size() + " local");
            List<Long> setUp = s.logLines("relaying live/cam from").stream()
                    .map(l -> Long.parseLong(l.replaceAll(".*set up in (\\d+) ms.*", "$1"))).toList();
            System.out.printf("RelayIT TTFF (play -> first coded video frame), 2 workers, shared machine:%n"
                            + "  non-owner worker, no relay yet: n=%d p50=%.1f ms p90=%.1f ms max=%.1f ms%n"
                            + "  owner worker (same worker):     n=%d p50=%.1f ms p90=%.1f ms max=%.1f ms%n"
                            + "  relay set-up as logged by the worker (connect to Play.Start): p50=%d ms%n",
                    relayed.size(), pct(relayed, 50), pct(relayed, 90), pct(relayed, 100),
                    local.size(), pct(local, 50), pct(local, 90), pct(local, 100),
                    setUp.stream().sorted().toList().get(setUp.size() / 2));
        }
    }

    // --- helpers -------------------------------------------------------------------------------

    private static int countLines(SluiceServer s, String text) {
        try {
            return s.logLines(text).size();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double pct(List<Long> micros, int p) {
        List<Long> sorted = micros.stream().sorted().toList();
        int i = Math.min(sorted.size() - 1, Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
        return sorted.get(i) / 1000.0;
    }

    /** Whether a player was told the stream went away and then that it plays again. */
    private static boolean resumed(TestPlayer p) {
        List<String> st = p.statuses();
        int gone = st.lastIndexOf(UNPUBLISH);
        if (gone < 0) {
            return false;
        }
        List<String> after = st.subList(gone + 1, st.size());
        return after.contains(PLAY_START) && after.contains(PLAY_RESET);
    }

    /** Worker id by pid, from the master's log. */
    private static Map<Long, Integer> workerIds(SluiceServer s, int workers) throws IOException {
        Map<Long, Integer> ids = new HashMap<>();
        for (int id = 1; id <= workers; id++) {
            ids.put(s.workerPid(id), id);
        }
        assertEquals(workers, ids.size(), "worker pids: " + ids);
        return ids;
    }

    /** The worker id each player's connection landed on. */
    private static Map<TestPlayer, Integer> placement(SluiceServer s, Map<Long, Integer> ids, Players players)
            throws IOException, InterruptedException {
        Map<Integer, Long> pids = s.serverPidsByClientPort();
        Map<TestPlayer, Integer> where = new HashMap<>();
        for (TestPlayer p : players.list()) {
            Long pid = pids.get(p.localPort());
            if (pid == null || !ids.containsKey(pid)) {
                fail("player on port " + p.localPort() + " not served by a worker: " + pid + " " + ids);
            }
            where.put(p, ids.get(pid));
        }
        return where;
    }

    /** Connects players to {@code name} until every worker has at least {@code each}. */
    private static Map<TestPlayer, Integer> playersOnEveryWorker(SluiceServer s, Map<Long, Integer> ids,
                                                                 Players players, String name, int each)
            throws Exception {
        Map<TestPlayer, Integer> where = Map.of();
        for (int i = 0; i < MAX_TRIES; i++) {
            players.add(TestPlayer.play(CLIENTS.group(), s.port(), "live", name));
            where = placement(s, ids, players);
            Map<Integer, Long> counts = where.values().stream().collect(Collectors.groupingBy(w -> w, Collectors.counting()));
            if (counts.size() == ids.size() && counts.values().stream().allMatch(c -> c >= each)) {
                return where;
            }
        }
        fail("no " + each + " players on every worker after " + MAX_TRIES + " connections: " + where.values());
        return where;
    }

    /**
     * An RTMP connection (not yet publishing) on worker {@code on}, or on any worker but
     * {@code avoid} when {@code on} is empty.
     */
    private static RtmpClient connectPublisher(SluiceServer s, Optional<Long> on, long avoid) throws Exception {
        for (int i = 0; i < MAX_TRIES; i++) {
            RtmpClient c = TestPublisher.connect(CLIENTS.group(), s.port(), "live");
            long pid = s.serverPidFor(((InetSocketAddress) c.channel().localAddress()).getPort()).orElseThrow();
            if (on.isPresent() ? pid == on.get() : pid != avoid) {
                return c;
            }
            c.close();
        }
        fail("no connection landed where wanted after " + MAX_TRIES + " tries");
        return null;
    }

    /** A TCP connection to Sluice that a worker other than {@code avoidPid} accepted. */
    private static JsonNode awaitWhere(SluiceServer s, String stream, Predicate<JsonNode> wanted, int seconds)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        JsonNode answer;
        do {
            answer = json(s.ctl("where", stream, "--json"));
            if (wanted.test(answer)) {
                return answer;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return answer;
    }

    /** Whether {@code bin/ctl streams} knows the video codec of {@code stream} (its first video arrived). */
    private static boolean streamHasVideo(SluiceServer s, String stream) {
        try {
            for (JsonNode v : json(s.ctl("streams", "--json"))) {
                if (v.path("stream").asText().equals(stream) && !v.path("videoCodec").isNull()
                        && !v.path("videoCodec").isMissingNode()) {
                    return true;
                }
            }
            return false;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(SluiceServer.Result r) throws IOException {
        assertEquals(0, r.exitCode(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    private static Set<Integer> relayedBy(JsonNode where) {
        Set<Integer> ids = new TreeSet<>();
        where.path("relayedBy").forEach(n -> ids.add(n.asInt()));
        return ids;
    }

    /** The process tag of a log line: worker-ID.gGENERATION[PID]. */
    private static String processTag(String line) {
        Matcher m = Pattern.compile("(worker-\\S+)").matcher(line);
        return m.find() ? m.group(1) : line;
    }

    private static String describe(List<TestPlayer> players, Map<TestPlayer, Integer> where, Predicate<TestPlayer> bad) {
        return players.stream().filter(bad).map(p -> "[worker " + where.get(p) + ", video " + p.video() + ", audio "
                + p.audio() + ", closed " + p.isClosed() + ", " + p.statuses() + "]").collect(Collectors.joining(" "));
    }

    /** Players of one test, all closed at the end. */
    private static final class Players implements AutoCloseable {
        private final List<TestPlayer> list = new ArrayList<>();

        void add(TestPlayer p) {
            list.add(p);
        }

        List<TestPlayer> list() {
            return list;
        }

        int size() {
            return list.size();
        }

        Stream<TestPlayer> all() {
            return list.stream();
        }

        @Override
        public void close() {
            list.forEach(TestPlayer::close);
        }
    }

    /** Records when the first coded video frame arrived and whether it was a key frame. */
    private static final class FirstFrame implements ClientListener {
        volatile long firstVideoNanos;
        volatile Boolean firstWasKey;

        @Override
        public void onMedia(MediaMessage media) {
            if (firstVideoNanos == 0 && media instanceof VideoData) {
                MediaTag tag = MediaTagReader.inspect(9, media.payload());
                if (!tag.sequenceHeader()) {
                    firstWasKey = tag.keyframe();
                    firstVideoNanos = System.nanoTime();
                }
            }
        }
    }
}
