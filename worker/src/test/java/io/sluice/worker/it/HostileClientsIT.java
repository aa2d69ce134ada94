package io.sluice.worker.it;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.sluice.common.testing.Ffmpeg;
import io.sluice.common.testing.Processes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real worker process (with the workers' production direct-memory limit) serving an honest
 * 2 Mbit/s publisher and 10 players while 200 connections attack it (issue 11): the honest
 * players' largest gap stays small, the worker's memory grows little and it survives.
 */
@Timeout(300)
class HostileClientsIT {

    private static final int ATTACKERS = 200;
    private static final int PLAYERS = 10;
    private static final long MAX_GAP_MS = 500;
    private static final long MAX_RSS_GROWTH = 100L << 20;

    @TempDir
    static Path dir;
    private static Processes processes;
    private static EventLoopGroup group;
    private static WorkerProcess worker;
    private static TestPublisher publisher;
    private static final List<TestPlayer> players = new ArrayList<>();

    @BeforeAll
    static void startWorkerPublisherAndPlayers() throws Exception {
        Ffmpeg.ffmpeg();
        processes = new Processes();
        group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        Path flv = dir.resolve("2mbit.flv");
        List<String> cmd = new ArrayList<>(List.of(Ffmpeg.ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error",
                "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=44100", "-t", "10", "-c:v", "libx264", "-preset", "ultrafast",
                "-tune", "zerolatency", "-g", "60", "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-b:v", "1900k",
                "-maxrate", "1900k", "-bufsize", "400k", "-x264-params", "nal-hrd=cbr", "-c:a", "aac", "-b:a", "96k",
                "-f", "flv", flv.toString()));
        assertEquals(0, processes.run(dir.resolve("ffmpeg.log"), Duration.ofSeconds(120), cmd),
                Processes.tail(dir.resolve("ffmpeg.log"), 20));
        long kbits = Files.size(flv) * 8 / 10 / 1000;
        assertTrue(kbits > 1500 && kbits < 2600, "a ~2 Mbit/s stream: " + kbits + " kbit/s");
        // A small budget, so that 200 connections holding what they may before publish exceed it,
        // and a short idle timeout, so that the test sees both end the attack.
        worker = WorkerProcess.start(dir, "rtmp:\n  max_message_size: 8MiB\n  incomplete_message_budget: 8MiB\n"
                + "  idle_timeout: 5s\n", List.of("-XX:MaxDirectMemorySize=256m"));
        publisher = TestPublisher.publish(group, worker.port(), "live", "honest", flv);
        for (int i = 0; i < PLAYERS; i++) {
            players.add(TestPlayer.play(group, worker.port(), "live", "honest"));
        }
        assertTrue(TestPlayer.await(() -> players.stream().allMatch(p -> p.video() >= 60), 30),
                "every honest player plays");
    }

    @AfterAll
    static void stop() throws Exception {
        players.forEach(TestPlayer::close);
        if (publisher != null) {
            publisher.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (processes != null) {
            processes.close();
        }
        if (worker != null) {
            worker.close(); // fails on an ERROR line or a leak report in the worker's log
        }
    }

    @BeforeEach
    void forgetTheWarmUp() {
        players.forEach(TestPlayer::resetMaxVideoGap);
    }

    /** The worker's resident memory, from /proc. */
    private static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(worker.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for the worker");
    }

    /** A chunk header of type 0 on a chunk stream below 64. */
    private static ByteBuffer header(ByteBuffer b, int csid, int length, int type) {
        return b.put((byte) csid).put((byte) 0).put((byte) 0).put((byte) 0)
                .put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length).put((byte) type)
                .putInt(0);
    }

    /** Connects and completes a simple handshake; the channel is then non-blocking. */
    private static SocketChannel handshake() throws IOException {
        SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", worker.port()));
        ByteBuffer c0c1 = ByteBuffer.allocate(1 + 1536);
        c0c1.put((byte) 3).putInt(0).putInt(0);
        byte[] random = new byte[1528];
        ThreadLocalRandom.current().nextBytes(random);
        c0c1.put(random).flip();
        writeFully(ch, c0c1);
        ByteBuffer s0s1s2 = ByteBuffer.allocate(1 + 2 * 1536);
        while (s0s1s2.hasRemaining()) {
            if (ch.read(s0s1s2) < 0) {
                throw new IOException("closed during the handshake");
            }
        }
        ByteBuffer c2 = ByteBuffer.wrap(s0s1s2.array(), 1, 1536); // echo S1
        writeFully(ch, c2);
        ch.configureBlocking(false);
        return ch;
    }

    private static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /**
     * Sends {@code opening} on {@code count} new connections, then trickles a byte a second on each
     * (the body of what they announced) for up to {@code seconds}; returns how many the server
     * closed by then, polling a tenth of a second apart.
     */
    private static int attack(int count, java.util.function.Supplier<ByteBuffer> opening, int seconds)
            throws Exception {
        List<SocketChannel> open = new ArrayList<>();
        int closed = 0;
        try {
            for (int i = 0; i < count; i++) {
                SocketChannel ch = handshake();
                ch.write(opening.get()); // small: fits the socket buffer in one write
                open.add(ch);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            ByteBuffer sink = ByteBuffer.allocate(4096);
            int tick = 0;
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100); // the trickle's pace
                tick++;
                for (var it = open.iterator(); it.hasNext(); ) {
                    SocketChannel ch = it.next();
                    boolean gone;
                    try {
                        sink.clear();
                        gone = ch.read(sink) < 0;
                        if (!gone && tick % 10 == 0) {
                            ch.write(ByteBuffer.wrap(new byte[1]));
                        }
                    } catch (IOException reset) {
                        gone = true;
                    }
                    if (gone) {
                        ch.close();
                        it.remove();
                        closed++;
                    }
                }
            }
        } finally {
            for (SocketChannel ch : open) {
                ch.close();
            }
        }
        return closed;
    }

    private static long warnings(String text) throws IOException {
        return Files.readAllLines(worker.log()).stream().filter(l -> l.contains(" WARN ") && l.contains(text)).count();
    }

    private static void assertHonestPlayersUnharmed(String during) {
        long gap = players.stream().mapToLong(TestPlayer::maxVideoGapMillis).max().orElseThrow();
        assertTrue(gap < MAX_GAP_MS, "honest players' largest video gap " + during + ": " + gap + " ms");
        assertTrue(players.stream().noneMatch(TestPlayer::isClosed), "no honest player was disconnected");
        assertTrue(publisher.client().channel().isActive(), "the publisher is still connected");
    }

    @Test
    void theSlowTrickleAttackIsRefusedAtItsFirstHeader() throws Exception {
        long rssBefore = rss();
        // Each: chunk size 1 MiB, then a video message of 16 MiB announced (0xFFFFFF, the most a
        // 3-byte length can say) and its body trickled. Nothing published, not even connect.
        int closed = attack(ATTACKERS, () -> {
            ByteBuffer b = ByteBuffer.allocate(64);
            header(b, 2, 4, 1).putInt(1 << 20);
            header(b, 6, 0xFFFFFF, 9).put(new byte[16]);
            return b.flip();
        }, 20);
        assertEquals(ATTACKERS, closed, "the server closed every attacker");
        assertEquals(ATTACKERS, warnings("exceeds the limit of 65536 bytes before publish"), "one WARN line each");
        long growth = rss() - rssBefore;
        assertTrue(growth < MAX_RSS_GROWTH, "worker RSS grew by " + (growth >> 20) + " MiB");
        assertHonestPlayersUnharmed("during the slow-trickle attack");
    }

    @Test
    void messagesUnderTheLimitAreBoundedByTheBudgetAndIdleConnectionsEnd() throws Exception {
        long rssBefore = rss();
        long budgetBefore = warnings("incomplete-message budget");
        long idleBefore = idleLines();
        // Each: two 60000-byte commands announced on two chunk streams (the first chunk of one
        // complete, the next one started), bodies trickled: 120000 bytes each, under the 131072
        // a connection may hold before publish, 24 MB for 200, three times the 8 MiB budget.
        int closed = attack(ATTACKERS, () -> {
            ByteBuffer b = ByteBuffer.allocate(512);
            header(b, 3, 60_000, 20).put(new byte[128]);
            header(b, 4, 60_000, 20).put(new byte[16]);
            return b.flip();
        }, 20);
        assertEquals(ATTACKERS, closed, "every attacker was closed: by the budget, or idle after 5 s");
        long byBudget = warnings("incomplete-message budget") - budgetBefore;
        long idle = idleLines() - idleBefore;
        assertEquals(ATTACKERS, byBudget + idle, "one line each: " + byBudget + " for the budget, " + idle + " idle");
        assertTrue(byBudget >= ATTACKERS - (8 << 20) / 120_000, "the budget held at most what fits: " + byBudget);
        assertTrue(idle > 0, "those within the budget stayed until the idle timeout");
        long growth = rss() - rssBefore;
        assertTrue(growth < MAX_RSS_GROWTH, "worker RSS grew by " + (growth >> 20) + " MiB");
        assertHonestPlayersUnharmed("while the budget was full");
    }

    private static long idleLines() throws IOException {
        return Files.readAllLines(worker.log()).stream()
                .filter(l -> l.contains("idle for 5000 ms (neither publishing nor playing)")).count();
    }
}
