package io.sluice.master.directory.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sluice.common.channel.ChannelJson;
import io.sluice.common.channel.ChannelPeer;
import io.sluice.common.channel.ChannelTransport;
import io.sluice.common.protocol.ClaimReply;
import io.sluice.common.protocol.StreamLocation;
import io.sluice.common.protocol.StreamRef;
import io.sluice.common.protocol.WorkerProtocol;
import io.sluice.common.protocol.control.StreamWhere;
import io.sluice.master.directory.ClusterDirectory;
import io.sluice.master.directory.StreamDirectory;
import io.sluice.master.process.MasterLoop;
import io.sluice.master.process.TestWorkers;
import io.sluice.master.process.WorkerHandle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Redis-backed directory against a real redis-server of the test's own: two or three
 * "hosts" (a directory each, on a loop of its own) in one JVM share it.
 */
@Timeout(60)
class RedisDirectoryTest {

    private static final StreamRef CAM = new StreamRef("live", "cam");
    private static final Duration TTL = Duration.ofSeconds(2);

    @TempDir
    Path tmp;
    private RedisServer redis;
    private final List<Host> hosts = new ArrayList<>();

    /** One host's master as the directory sees it: a loop, a local directory, workers. */
    private final class Host implements AutoCloseable {
        final String node;
        final ScheduledExecutorService executor;
        final MasterLoop loop;
        final RedisDirectory directory;
        final List<EmbeddedChannel> channels = new ArrayList<>();
        boolean closed;

        Host(String node, Duration ttl) {
            this.node = node;
            executor = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("master-" + node));
            loop = MasterLoop.of(executor);
            directory = RedisDirectory.start(new StreamDirectory(), loop, redis.url(), redis.url(), node,
                    node + ".example:1935", ttl);
            hosts.add(this);
        }

        WorkerHandle worker(int id) {
            WorkerHandle w = TestWorkers.running(id, 1, "/run/" + node + "/worker-" + id + ".sock");
            ChannelPeer peer = new ChannelPeer("worker", WorkerProtocol.PROTOCOL, Duration.ofSeconds(30));
            EmbeddedChannel ch = new EmbeddedChannel();
            ChannelTransport.initPipeline(ch.pipeline(), peer);
            channels.add(ch);
            TestWorkers.attach(w, peer);
            return w;
        }

        <T> T on(Supplier<CompletableFuture<T>> call) throws Exception {
            return CompletableFuture.supplyAsync(call, loop).thenCompose(f -> f).get(10, TimeUnit.SECONDS);
        }

        ClaimReply claim(WorkerHandle w, StreamRef ref) throws Exception {
            return on(() -> directory.claim(w, ref));
        }

        StreamLocation locate(WorkerHandle w, StreamRef ref) throws Exception {
            return on(() -> directory.locate(w, ref));
        }

        void relayOpened(WorkerHandle w, StreamRef ref) throws Exception {
            on(() -> {
                directory.relayOpened(w, ref);
                return CompletableFuture.completedFuture(null);
            });
        }

        void relayClosed(WorkerHandle w, StreamRef ref) throws Exception {
            on(() -> {
                directory.relayClosed(w, ref);
                return CompletableFuture.completedFuture(null);
            });
        }

        StreamWhere where(StreamRef ref) throws Exception {
            return on(() -> directory.where(ref));
        }

        ClusterDirectory.Status status() throws Exception {
            return on(() -> CompletableFuture.completedFuture(directory.status()));
        }

        void release(WorkerHandle w, StreamRef ref) throws Exception {
            on(() -> {
                directory.release(w, ref);
                return CompletableFuture.completedFuture(null);
            });
        }

        /** The stream.published notifications worker {@code index} (in creation order) got so far. */
        List<JsonNode> published(int index) throws Exception {
            return on(() -> CompletableFuture.completedFuture(sent(channels.get(index)))).stream()
                    .filter(n -> "stream.published".equals(n.path("event").asText())).toList();
        }

        /** The requests of {@code method} worker {@code index} (in creation order) got so far. */
        List<JsonNode> requested(int index, String method) throws Exception {
            return on(() -> CompletableFuture.completedFuture(sent(channels.get(index)))).stream()
                    .filter(n -> method.equals(n.path("method").asText())).toList();
        }

        /** Dies without giving anything back, as a master killed with SIGKILL. */
        void crash() {
            closed = true;
            executor.shutdownNow();
            directory.abandon();
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                directory.close();
                executor.shutdownNow();
            }
            channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        }
    }

    private static List<JsonNode> sent(EmbeddedChannel channel) {
        List<JsonNode> out = new ArrayList<>();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            try {
                while (buf.isReadable()) {
                    int length = buf.readInt();
                    out.add(ChannelJson.parse(buf.readCharSequence(length, StandardCharsets.UTF_8).toString()));
                }
            } finally {
                buf.release();
            }
        }
        return out;
    }

    /** A condition that may call Redis or a host; what it throws fails the test at once. */
    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(String what, Duration within, Condition condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!holds(what, condition)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    private static boolean holds(String what, Condition condition) {
        try {
            return condition.holds();
        } catch (Exception e) {
            throw new AssertionError(what, e);
        }
    }

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start(tmp.resolve("redis"));
    }

    @AfterEach
    void stopAll() throws Exception {
        hosts.forEach(Host::close);
        if (redis != null) {
            redis.close();
        }
    }

    private Host connected(String node) throws Exception {
        return connected(node, TTL);
    }

    private Host connected(String node, Duration ttl) throws Exception {
        Host h = new Host(node, ttl);
        // The first connection is made in the background; a claim before it is granted locally only.
        await(node + " connected", Duration.ofSeconds(5), h.directory::connected);
        return h;
    }

    @Test
    void aNameIsClaimedOnceInTheWholeClusterAndEpochsGrow() throws Exception {
        Host a = connected("a");
        Host b = connected("b");
        WorkerHandle a1 = a.worker(1);
        WorkerHandle b1 = b.worker(1);
        assertTrue(a.claim(a1, CAM).granted());
        long first = a.on(() -> CompletableFuture.completedFuture(a.directory.epochOf(CAM)));
        assertTrue(first > 0);
        assertFalse(b.claim(b1, CAM).granted(), "a second publisher on another host is refused");
        assertEquals("a", redis.cli("HGET", "sluice:stream:live/cam", "node"));

        a.release(a1, CAM);
        assertEquals("0", redis.cli("EXISTS", "sluice:stream:live/cam"));
        assertTrue(b.claim(b1, CAM).granted(), "free again once the owner released it");
        long second = b.on(() -> CompletableFuture.completedFuture(b.directory.epochOf(CAM)));
        assertTrue(second > first, second + " > " + first);
        // B's own refused attempt left nothing on B: its local directory does not hold it.
        assertEquals("b", redis.cli("HGET", "sluice:stream:live/cam", "node"));
    }

    @Test
    void aPlayerOnAnotherHostFindsTheOwnerAndOtherWorkersThereUseTheCrossingWorker() throws Exception {
        Host a = connected("a");
        Host b = connected("b");
        WorkerHandle a1 = a.worker(1);
        WorkerHandle b1 = b.worker(1);
        WorkerHandle b2 = b.worker(2);
        assertTrue(a.claim(a1, CAM).granted());

        StreamLocation first = b.locate(b1, CAM);
        assertTrue(first.found() && first.remote());
        assertEquals("a", first.host());
        assertEquals("a.example:1935", first.endpoint());

        // The second worker on B is sent to B's first worker, not across the network again.
        StreamLocation second = b.locate(b2, CAM);
        assertTrue(second.found());
        assertFalse(second.remote());
        assertEquals(1, second.worker());
        assertEquals("/run/b/worker-1.sock", second.endpoint());
        assertEquals(0, b.on(() -> CompletableFuture.completedFuture(b.directory.local().waitCount())));
    }

    @Test
    void playBeforePublishOnAnotherHostIsToldWhenTheNameAppears() throws Exception {
        Host a = connected("a");
        Host b = connected("b");
        WorkerHandle a1 = a.worker(1);
        WorkerHandle b1 = b.worker(1);
        assertFalse(b.locate(b1, CAM).found());
        assertEquals(1, b.on(() -> CompletableFuture.completedFuture(b.directory.local().waitCount())));

        assertTrue(a.claim(a1, CAM).granted());
        await("b1 told", Duration.ofSeconds(5), () -> !pending(b).isEmpty());
        JsonNode data = told.get(0).path("data");
        assertEquals("a", data.path("host").asText());
        assertEquals("a.example:1935", data.path("endpoint").asText());
        assertEquals(0, b.on(() -> CompletableFuture.completedFuture(b.directory.local().waitCount())));
    }

    private final List<JsonNode> told = new ArrayList<>();

    private List<JsonNode> pending(Host h) throws Exception {
        told.addAll(h.published(0));
        return told;
    }

    @Test
    void aDeadHostsClaimsExpireWithinTheTtl() throws Exception {
        Host a = connected("a");
        Host b = connected("b");
        WorkerHandle a1 = a.worker(1);
        WorkerHandle b1 = b.worker(1);
        assertTrue(a.claim(a1, CAM).granted());
        a.crash();
        long crashed = System.nanoTime();
        assertFalse(b.claim(b1, CAM).granted(), "the lease outlives its host for the TTL");
        await("the lease expired", TTL.plusSeconds(2), () -> b.claim(b1, CAM).granted());
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashed);
        assertTrue(tookMs <= TTL.toMillis() + 1500, "freed after " + tookMs + " ms");
    }

    @Test
    void aRenewingHostKeepsItsNamePastTheTtl() throws Exception {
        Host a = connected("a");
        Host b = connected("b");
        WorkerHandle a1 = a.worker(1);
        assertTrue(a.claim(a1, CAM).granted());
        long until = System.nanoTime() + TTL.multipliedBy(2).toNanos();
        while (System.nanoTime() < until) {
            assertEquals("a", redis.cli("HGET", "sluice:stream:live/cam", "node"));
            Thread.sleep(200);
        }
        assertFalse(b.claim(b.worker(1), CAM).granted());
    }

    @Test
    void aHostWhoseLeaseMovedOnIsFencedOut() throws Exception {
        Host a = connected("a");
        Host b = connected("b");
        WorkerHandle a1 = a.worker(1);
        WorkerHandle b1 = b.worker(1);
        assertTrue(a.claim(a1, CAM).granted());
        // A partition: A's lease runs out (here: goes) and B takes the name with a newer epoch.
        redis.cli("DEL", "sluice:stream:live/cam");
        assertTrue(b.claim(b1, CAM).granted());
        await("A learns at its next renewal that it lost the name", TTL,
                () -> a.on(() -> CompletableFuture.completedFuture(a.directory.lost())).contains(CAM));
        assertEquals("b", redis.cli("HGET", "sluice:stream:live/cam", "node"), "A's renewals do not take it back");
        // One publisher per name in the cluster: A's worker is told to close its own.
        List<JsonNode> drops = a.requested(0, "stream.drop");
        assertEquals(1, drops.size(), drops.toString());
        assertEquals("cam", drops.get(0).path("data").path("name").asText(), drops.toString());
        // A's publisher leaving does not delete B's lease.
        a.release(a1, CAM);
        assertEquals("b", redis.cli("HGET", "sluice:stream:live/cam", "node"));
    }

    @Test
    void redisDownThenBack() throws Exception {
        Host a = connected("a");
        Host b = connected("b");
        WorkerHandle a1 = a.worker(1);
        WorkerHandle b1 = b.worker(1);
        redis.stop();

        // Locally everything goes on; a lookup of another host's stream waits, without error.
        long t0 = System.nanoTime();
        assertTrue(a.claim(a1, CAM).granted());
        assertFalse(b.locate(b1, CAM).found());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 5000, "no call waits long");

        redis.start();
        // The resync writes A's lease and tells B's waiting worker where the stream is.
        await("A's lease is in Redis again", Duration.ofSeconds(10),
                () -> "a".equals(redis.cli("HGET", "sluice:stream:live/cam", "node")));
        await("B's waiting worker is told", Duration.ofSeconds(10), () -> !pending(b).isEmpty());
        assertEquals("a", told.get(0).path("data").path("host").asText());
    }

    @Test
    void aRestartedHostGivesBackWhatItsPreviousRunHeld() throws Exception {
        Host a = connected("a");
        Host b = connected("b");
        assertTrue(a.claim(a.worker(1), CAM).granted());
        a.crash();
        Host again = connected("a");
        await("the stale lease is released", Duration.ofSeconds(5),
                () -> "0".equals(redis.cli("EXISTS", "sluice:stream:live/cam")));
        assertTrue(b.claim(b.worker(1), CAM).granted(), "B does not wait for the TTL");
        assertNull(again.on(() -> CompletableFuture.completedFuture(again.directory.local().owner(CAM))));
    }

    @Test
    void onePublishAndOnePlayCostAFewRedisCommands() throws Exception {
        // A long TTL: no renewal runs between the commands counted here.
        redis.cli("CONFIG", "RESETSTAT");
        Host a = connected("a", Duration.ofMinutes(1));
        Host b = connected("b", Duration.ofMinutes(1));
        // Nor a host's first resync, RESYNC_DELAY after it connected (it renews every lease the host
        // holds and reads the host's names, one SMEMBERS): the claim below raced a's on a busy machine.
        await("both hosts' first resync", Duration.ofSeconds(5),
                () -> redis.cli("INFO", "commandstats").contains("cmdstat_smembers:calls=2,"));
        redis.cli("CONFIG", "RESETSTAT");
        assertTrue(a.claim(a.worker(1), CAM).granted());
        String afterClaim = redis.cli("INFO", "commandstats");
        assertTrue(afterClaim.contains("cmdstat_eval:calls=1,"), afterClaim);
        WorkerHandle b1 = b.worker(1);
        b.locate(b1, CAM);
        String afterLocate = redis.cli("INFO", "commandstats");
        assertTrue(afterLocate.contains("cmdstat_hgetall:calls=1,"), afterLocate);
        assertTrue(afterLocate.contains("cmdstat_eval:calls=1,"), afterLocate);
        // The relay into B runs: B notes it once; B's other workers and their plays cost nothing.
        b.relayOpened(b1, CAM);
        b.locate(b.worker(2), CAM);
        b.locate(b.worker(3), CAM);
        await("B's relay noted", Duration.ofSeconds(5),
                () -> redis.cli("INFO", "commandstats").contains("cmdstat_eval:calls=2,"));
        String afterPlays = redis.cli("INFO", "commandstats");
        assertTrue(afterPlays.contains("cmdstat_hgetall:calls=1,"), afterPlays);
        assertTrue(afterPlays.contains("cmdstat_eval:calls=2,"), afterPlays);
        // Redis counts the commands a script runs too: one note of B's relay for B's three workers.
        assertTrue(afterPlays.contains("cmdstat_zadd:calls=1,"), afterPlays);
    }

    @Test
    void whereShowsTheOwnerHostItsWorkerAndTheHostsRelayingIt() throws Exception {
        Host a = connected("a");
        Host b = connected("b");
        Host c = connected("c");
        WorkerHandle a2 = a.worker(2);
        WorkerHandle b1 = b.worker(1);
        WorkerHandle b2 = b.worker(2);
        WorkerHandle c1 = c.worker(1);
        assertTrue(a.claim(a2, CAM).granted());
        assertTrue(b.locate(b1, CAM).remote());
        assertTrue(c.locate(c1, CAM).remote());
        b.relayOpened(b1, CAM);
        c.relayOpened(c1, CAM);
        // B's second worker relays from B's first: not a relay between hosts.
        assertFalse(b.locate(b2, CAM).remote());
        b.relayOpened(b2, CAM);
        // Each host notes its relay in Redis without waiting for the answer, over its own connection.
        await("both relays noted in Redis", Duration.ofSeconds(5), () -> a.where(CAM).relayNodes().size() == 2);

        StreamWhere onA = a.where(CAM);
        assertEquals("a", onA.node());
        assertEquals(2, onA.owner());
        assertEquals(List.of("b", "c"), onA.relayNodes());
        StreamWhere onB = b.where(CAM);
        assertEquals("a", onB.node(), "B finds the owner host in Redis");
        assertEquals(2, onB.owner(), "and its worker");
        assertEquals(0, onB.ownerPid(), "a process of another host has no pid here");
        assertEquals(List.of(1, 2), onB.relayedBy());
        assertEquals(List.of("b", "c"), onB.relayNodes());
        assertEquals(Map.of("a", 1), b.status().relaysIn(), "only B's crossing worker counts");
        assertNull(a.where(new StreamRef("live", "none")), "a name nobody publishes");

        // A learns the relaying hosts at its next renewal, for the metrics page and the API list.
        await("A's renewal brings the relaying hosts", TTL,
                () -> a.status().relaysOut().equals(Map.of("b", 1, "c", 1)));
        List<StreamWhere> all = a.on(() -> CompletableFuture.completedFuture(a.directory.all()));
        assertEquals(List.of("b", "c"), all.get(0).relayNodes());

        c.relayClosed(c1, CAM);
        await("C's relay ended", Duration.ofSeconds(5), () -> a.where(CAM).relayNodes().equals(List.of("b")));
        assertEquals(Map.of(), c.status().relaysIn());
        // A host that stops renewing (killed) drops out of the list within the TTL.
        b.crash();
        await("B's entry expired", TTL.plusSeconds(2), () -> a.where(CAM).relayNodes().isEmpty());
    }
}
