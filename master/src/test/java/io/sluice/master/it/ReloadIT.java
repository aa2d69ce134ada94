package io.sluice.master.it;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.sluice.common.testing.Processes;
import io.sluice.worker.it.TestMedia;
import io.sluice.worker.it.TestPlayer;
import io.sluice.worker.it.TestPublisher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Reload with live streams: settings applied in place, worker-count changes through new
 * generations while the old one drains, invalid files refused, and connection churn across
 * reloads with and without {@code net.ipv4.tcp_migrate_req}.
 */
@Timeout(240)
class ReloadIT {

    private static EventLoopGroup group;
    private static Path flv;
    private static final Processes media = new Processes();

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        flv = dir.resolve("clip.flv");
        TestMedia.writeFlv(media, flv, 6);
    }

    @AfterAll
    static void tearDown() throws Exception {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        media.close();
    }

    @Test
    void inPlaceSettingsApplyWithoutInterruptingAnySession(@TempDir Path dir) throws Exception {
        try (SluiceServer s = SluiceServer.start(dir, "workers: 2\n");
             TestPublisher publisher = TestPublisher.publish(group, s.port(), "live", "inplace", flv)) {
            List<TestPlayer> players = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                players.add(TestPlayer.play(group, s.port(), "live", "inplace"));
            }
            assertTrue(TestPlayer.await(() -> players.stream().allMatch(p -> p.video() > 10), 15), "players receive");
            players.forEach(TestPlayer::resetMaxVideoGap);

            List<Long> pids = s.workers().stream().map(ProcessHandle::pid).sorted().toList();
            s.rewrite("workers: 2\ngop_cache:\n  enabled: false\nlog:\n  level: debug\n");
            SluiceServer.Result reload = s.ctl("reload");
            assertEquals(0, reload.exitCode(), reload.err());
            assertTrue(reload.out().contains("gop_cache.enabled") && reload.out().contains("in place"), reload.out());
            assertTrue(reload.out().contains("applied in place to 2 worker(s)"), reload.out());
            // Both workers took the settings: each logs them, and DEBUG lines now appear.
            s.awaitLogCount("settings updated by the master (gop cache off", 2, 10);
            assertTrue(TestPlayer.await(() -> {
                try {
                    return !s.logLines(" DEBUG +worker-").isEmpty();
                } catch (IOException e) {
                    return false;
                }
            }, 10), "log level debug in effect in the workers");

            int before = players.get(0).video();
            assertTrue(TestPlayer.await(() -> players.get(0).video() > before + 30, 10), "media goes on");
            for (TestPlayer p : players) {
                assertFalse(p.isClosed(), "a session was interrupted by the reload");
                assertTrue(p.maxVideoGapMillis() < 1000, "gap of " + p.maxVideoGapMillis() + " ms across the reload");
            }
            System.out.println("[figure] bin/ctl reload, in place: " + reload.out().lines().reduce((a, b) -> b).orElse(""));

            // The same by signal: log level back to info.
            s.rewrite("workers: 2\ngop_cache:\n  enabled: false\n");
            new ProcessBuilder("kill", "-HUP", String.valueOf(s.masterPid())).start().waitFor();
            s.awaitLog("reload (SIGHUP): applied in place to 2 worker(s)", 10);
            System.out.println("[figure] SIGHUP, in place: " + s.logLines("reload \\(SIGHUP\\): applied in place").get(0));
            s.awaitLogCount("settings updated by the master (gop cache off, log level info", 2, 10);
            for (TestPlayer p : players) {
                assertFalse(p.isClosed(), "a session was interrupted by the second reload");
            }
            assertEquals(pids, s.workers().stream().map(ProcessHandle::pid).sorted().toList(),
                    "the same two worker processes");
            assertEquals(1, s.logLines("starting 2 worker\\(s\\), generation").size(), "no new generation");
            players.forEach(TestPlayer::close);
        }
    }

    @Test
    void workerCountChangesWhileTwentyPlayersWatch(@TempDir Path dir) throws Exception {
        String base = "worker:\n  drain_timeout: 60s\n";
        try (SluiceServer s = SluiceServer.start(dir, "workers: 2\n" + base);
             TestPublisher publisher = TestPublisher.publish(group, s.port(), "live", "count", flv)) {
            List<TestPlayer> players = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                players.add(TestPlayer.play(group, s.port(), "live", "count"));
            }
            assertTrue(TestPlayer.await(() -> players.stream().allMatch(p -> p.video() > 10), 20), "players receive");
            players.forEach(TestPlayer::resetMaxVideoGap);
            List<TestPlayer> late = new ArrayList<>();
            long worstGap = 0;
            int[] counts = {3, 1};
            for (int i = 0; i < counts.length; i++) {
                int workers = counts[i];
                s.rewrite("workers: " + workers + "\n" + base);
                long t0 = System.nanoTime();
                SluiceServer.Result reload = s.ctl("reload");
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertEquals(0, reload.exitCode(), reload.err());
                assertTrue(reload.out().contains("new generation"), reload.out());
                System.out.printf("[figure] reload to %d worker(s): new generation serving after %d ms (ctl), %s%n",
                        workers, ms, reload.out().lines().reduce((a, b) -> b).orElse(""));
                int generation = i + 2;
                assertEquals(workers, s.workers().stream().filter(h -> isGeneration(h, generation)).count(),
                        "generation " + generation + " has " + workers + " worker(s)");
                // New players land on the new generation and get the stream through a relay.
                for (int j = 0; j < 4; j++) {
                    TestPlayer p = TestPlayer.play(group, s.port(), "live", "count");
                    late.add(p);
                    assertTrue(TestPlayer.await(() -> p.video() > 5, 10), "a player after reload " + (i + 1)
                            + " receives video");
                    assertEquals(Boolean.TRUE, p.firstCodedWasKey());
                }
                Thread.sleep(1000);
                for (TestPlayer p : players) {
                    assertFalse(p.isClosed(), "a player was disconnected by the reload");
                    worstGap = Math.max(worstGap, p.maxVideoGapMillis());
                }
            }
            System.out.printf("[figure] longest video gap of 20 live players across 2 -> 3 -> 1 workers: %d ms%n",
                    worstGap);
            assertTrue(worstGap < 1000, "a gap of " + worstGap + " ms");
            int beforeEnd = players.get(0).video();
            assertTrue(TestPlayer.await(() -> players.get(0).video() > beforeEnd + 20, 10), "still receiving");

            // Old workers exit once their sessions end, well before the drain timeout.
            players.forEach(TestPlayer::close);
            late.forEach(TestPlayer::close);
            publisher.close();
            assertTrue(TestPlayer.await(() -> s.workers().size() == 1, 20),
                    "old generations exit once drained; left: " + s.workers().size());
            assertEquals(1, s.listenerPids().size(), "one listener");
        }
    }

    private static boolean isGeneration(ProcessHandle h, int generation) {
        return h.info().arguments().map(a -> {
            List<String> args = List.of(a);
            int i = args.indexOf("--generation");
            return i >= 0 && i + 1 < args.size() && args.get(i + 1).equals(String.valueOf(generation));
        }).orElse(false);
    }

    /** nohup leaves HUP ignored across exec, and a JVM then never sees it: bin/start gives it back. */
    @Test
    void aMasterStartedUnderNohupStillReloadsOnSighup(@TempDir Path dir) throws Exception {
        try (SluiceServer s = SluiceServer.configure(dir, "workers: 1\n")) {
            s.startMaster(List.of("nohup"));
            s.rewrite("workers: 1\ngop_cache:\n  enabled: false\n");
            new ProcessBuilder("kill", "-HUP", String.valueOf(s.masterPid())).start().waitFor();
            s.awaitLog("reload (SIGHUP): applied in place to 1 worker(s)", 10);
            assertEquals(List.of(), s.logLines("ignored when the master started"), "nothing stayed ignored");
        }
    }

    @Test
    void anInvalidFileOnReloadChangesNothing(@TempDir Path dir) throws Exception {
        try (SluiceServer s = SluiceServer.start(dir, "workers: 1\n")) {
            s.expectError("refused");
            List<Long> before = s.workers().stream().map(ProcessHandle::pid).toList();
            s.rewrite("workers: 1\ngop_cache:\n  max_frames: lots\n");
            SluiceServer.Result reload = s.ctl("reload");
            assertEquals(1, reload.exitCode(), reload.out());
            assertTrue(reload.err().contains("sluice.yaml:8:15: gop_cache.max_frames:"), reload.err());
            assertTrue(reload.err().contains("stays as it was"), reload.err());
            assertEquals(1, s.logLines("reload \\(bin/ctl reload\\) refused: .*gop_cache.max_frames").size());

            s.rewrite("workers: 1\nrtmp_typo: 1\n");
            new ProcessBuilder("kill", "-HUP", String.valueOf(s.masterPid())).start().waitFor();
            s.awaitLog("reload (SIGHUP) refused: " + s.config() + ":7:1: rtmp_typo: unknown key", 10);

            s.rewriteRaw("rtmp:\n  port: " + s.port() + "\n" + s.httpYaml() + "paths:\n  run_dir: " + dir.resolve("elsewhere") + "\n");
            SluiceServer.Result restart = s.ctl("reload");
            assertEquals(1, restart.exitCode(), "bin/ctl finds the master in its old run dir: " + restart.err());
            assertTrue(restart.err().contains("paths.run_dir, paths.log_dir can only change with a restart"),
                    restart.err());

            s.rewriteRaw("rtmp:\n  port: " + s.port() + "\n" + s.httpYaml() + "paths:\n  run_dir: " + dir.resolve("run") + "\n  log_dir: "
                    + dir.resolve("other-logs") + "\n");
            SluiceServer.Result needsRestart = s.ctl("reload");
            assertEquals(1, needsRestart.exitCode());
            assertTrue(needsRestart.err().contains("paths.log_dir can only change with a restart"), needsRestart.err());

            assertEquals(before, s.workers().stream().map(ProcessHandle::pid).toList(), "the same worker serves");
            SluiceServer.Result status = s.ctl("status", "--json");
            assertTrue(status.out().contains("\"generation\":1"), status.out());
            try (TestPlayer p = TestPlayer.play(group, s.port(), "live", "still")) {
                assertFalse(p.isClosed());
            }
        }
    }

    @Test
    void aDrainingStopWaitsForTheSessionsToEnd(@TempDir Path dir) throws Exception {
        try (SluiceServer s = SluiceServer.start(dir, "workers: 1\nworker:\n  drain_timeout: 60s\n")) {
            TestPlayer player = TestPlayer.play(group, s.port(), "live", "drain");
            SluiceServer.Result stop = s.ctl("stop", "--drain");
            assertEquals(0, stop.exitCode(), stop.err());
            s.awaitLog("draining: listener closed", 10);
            Thread.sleep(500);
            assertTrue(s.masterProcess().isAlive(), "the master waits for the session");
            assertFalse(player.isClosed(), "the session goes on");
            assertTrue(s.listenerPids().isEmpty(), "no new connections are accepted");
            player.close();
            assertTrue(s.masterProcess().waitFor(10, TimeUnit.SECONDS), "the master exits once the session ended");
            assertEquals(0, s.masterProcess().exitValue());
        }
    }

    /**
     * Connection churn across 10 reloads that each start a new generation, with
     * {@code tcp_migrate_req} on and then off. Writes the sysctl (root here) and restores it.
     */
    @Test
    @Timeout(400)
    void connectionChurnAcrossTenReloads(@TempDir Path dir) throws Exception {
        Path sysctl = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");
        if (!Files.isWritable(sysctl)) {
            String why = sysctl + " is missing or not writable: the churn test needs root and Linux 5.14+";
            if ("true".equals(System.getenv("CI"))) {
                fail(why + " (CI=true)");
            }
            Assumptions.abort(why + "; skipped");
        }
        String original = Files.readString(sysctl).trim();
        try {
            Churn on = churn(dir.resolve("on"), true, sysctl);
            assertEquals(original, Files.readString(sysctl).trim(), "the master gave the sysctl back at its stop");
            Churn off = churn(dir.resolve("off"), false, sysctl);
            System.out.printf("[figure] connection churn over 10 reloads: tcp_migrate_req=1: %d failed of %d; "
                    + "tcp_migrate_req=0: %d failed of %d%n", on.failed, on.total, off.failed, off.total);
            assertEquals(0, on.failed, "failed connects with tcp_migrate_req=1 (of " + on.total + ")");
            assertTrue(on.total > 100 && off.total > 100, "the churn ran: " + on.total + ", " + off.total);
        } finally {
            Files.writeString(sysctl, original + "\n");
        }
    }

    private record Churn(int total, int failed) {
    }

    private Churn churn(Path dir, boolean migrate, Path sysctl) throws Exception {
        Files.createDirectories(dir);
        if (!migrate) {
            Files.writeString(sysctl, "0\n");
        }
        // A new generation per reload without changing the worker count: a JVM option that differs.
        String base = "workers: 1\nworker:\n  drain_timeout: 10s\n  migrate_queued_connections: " + migrate
                + "\n  jvm_options: [\"-Xms32m\", \"-Xmx128m\", \"-XX:+UseSerialGC\", \"-XX:TieredStopAtLevel=1\", ";
        try (SluiceServer s = SluiceServer.start(dir, base + "\"-Dreload=0\"]\n")) {
            assertEquals(migrate ? "1" : "0", Files.readString(sysctl).trim());
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger total = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            List<String> failures = new ArrayList<>();
            Thread client = new Thread(() -> {
                while (running.get()) {
                    total.incrementAndGet();
                    try {
                        handshake(s.port());
                    } catch (IOException e) {
                        failed.incrementAndGet();
                        synchronized (failures) {
                            failures.add(e.toString());
                        }
                    }
                }
            }, "churn");
            client.start();
            try {
                for (int i = 0; i < 10; i++) {
                    s.rewrite(base + "\"-Dreload=" + (i + 1) + "\"]\n");
                    SluiceServer.Result reload = s.ctl("reload");
                    assertEquals(0, reload.exitCode(), reload.err());
                }
                Thread.sleep(500);
            } finally {
                running.set(false);
                client.join(10_000);
            }
            if (migrate && failed.get() > 0) {
                System.out.println("churn failures: " + failures);
            }
            return new Churn(total.get(), failed.get());
        }
    }

    /** One RTMP handshake: C0+C1 out, S0+S1+S2 back, then close. */
    private static void handshake(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(3000);
            OutputStream out = socket.getOutputStream();
            byte[] c0c1 = new byte[1537];
            c0c1[0] = 3;
            out.write(c0c1);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] s0s1s2 = in.readNBytes(1 + 1536 + 1536);
            if (s0s1s2.length != 3073) {
                throw new IOException("handshake cut short after " + s0s1s2.length + " bytes");
            }
        }
    }
}
