package io.sluice.master.it;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.sluice.common.testing.Ffmpeg;
import io.sluice.common.testing.Processes;
import io.sluice.worker.it.TestMedia;
import io.sluice.worker.it.TestPlayer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The master and its worker processes, for real: SO_REUSEPORT listeners, replacement of crashed
 * and hung workers, and no worker outliving its master.
 */
@Timeout(180)
class MasterProcessIT {

    private static EventLoopGroup group;

    @BeforeAll
    static void group() {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterAll
    static void shutdown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void twoWorkersListenOnTheSamePortAndServeFfmpeg(@TempDir Path dir) throws Exception {
        Ffmpeg.ffmpeg();
        try (SluiceServer s = SluiceServer.start(dir, "workers: 2\n"); Processes ffmpeg = new Processes()) {
            List<ProcessHandle> workers = s.workers();
            assertEquals(2, workers.size(), "two worker JVMs");
            Set<Long> workerPids = new HashSet<>(workers.stream().map(ProcessHandle::pid).toList());
            assertEquals(workerPids, new HashSet<>(s.listenerPids()), "ss -ltnp: one listener per worker");

            List<String> publish = new ArrayList<>(List.of(Ffmpeg.ffmpeg(), "-nostdin", "-hide_banner",
                    "-loglevel", "warning"));
            publish.addAll(TestMedia.generatedInput(true, 60));
            publish.addAll(TestMedia.h264Aac());
            publish.addAll(List.of("-f", "flv", "rtmp://127.0.0.1:" + s.port() + "/live/two"));
            ffmpeg.start(dir.resolve("publish.log"), publish);
            s.awaitLog("publish started", 30);
            for (int i = 0; i < 3; i++) {
                Path progress = dir.resolve("progress-" + i + ".txt");
                Path log = dir.resolve("play-" + i + ".log");
                int exit = ffmpeg.run(log, Duration.ofSeconds(60), List.of(Ffmpeg.ffmpeg(), "-nostdin", "-hide_banner",
                        "-i", "rtmp://127.0.0.1:" + s.port() + "/live/two", "-t", "3", "-f", "null", "-",
                        "-progress", progress.toString()));
                assertEquals(0, exit, Processes.tail(log, 20));
                int frames = Files.readAllLines(progress).stream().filter(l -> l.startsWith("frame="))
                        .mapToInt(l -> Integer.parseInt(l.substring(6).trim())).max().orElse(0);
                assertTrue(frames >= 60, "play " + i + " decoded " + frames + " frames");
            }
        }
    }

    @Test
    void aKilledWorkerIsReplacedAndTheOtherWorkersSessionsCarryOn(@TempDir Path dir) throws Exception {
        try (SluiceServer s = SluiceServer.start(dir, "workers: 2\n")) {
            List<TestPlayer> players = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                players.add(TestPlayer.play(group, s.port(), "live", "waiting"));
            }
            long victim = s.workerPid(1);
            List<TestPlayer> onVictim = new ArrayList<>();
            List<TestPlayer> onOther = new ArrayList<>();
            for (TestPlayer p : players) {
                (s.serverPidFor(p.localPort()).orElseThrow() == victim ? onVictim : onOther).add(p);
            }
            long killed = System.nanoTime();
            ProcessHandle.of(victim).orElseThrow().destroyForcibly();
            s.awaitLogCount("running after", 3, 30);
            System.out.printf("[figure] kill -9 of a worker to its replacement's worker.running: %d ms (+ log polling)%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
            assertTrue(TestPlayer.await(() -> onVictim.stream().allMatch(TestPlayer::isClosed), 10),
                    "sessions on the killed worker are gone");
            for (TestPlayer p : onOther) {
                assertFalse(p.isClosed(), "a session on the other worker was closed");
                assertTrue(p.client().createStream().get(5, TimeUnit.SECONDS) > 0, "and still answers");
            }
            assertEquals(2, s.workers().size());
            assertEquals(2, s.listenerPids().size(), "the replacement listens too");
            for (int i = 0; i < 6; i++) {
                try (TestPlayer fresh = TestPlayer.play(group, s.port(), "live", "waiting")) {
                    assertFalse(fresh.isClosed());
                }
            }
            players.forEach(TestPlayer::close);
        }
    }

    @Test
    void aStoppedWorkerIsKilledAndReplacedByTheHeartbeat(@TempDir Path dir) throws Exception {
        String yaml = "workers: 2\nworker:\n  heartbeat_interval: 200ms\n  heartbeat_timeout: 1s\n";
        try (SluiceServer s = SluiceServer.start(dir, yaml)) {
            long victim = s.workerPid(2);
            new ProcessBuilder("kill", "-STOP", String.valueOf(victim)).start().waitFor();
            long t0 = System.nanoTime();
            s.awaitLog("missed its heartbeat", 10);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            // The deadline is 1 s after the last unanswered ping, which went out at most 200 ms after the stop.
            assertTrue(ms < 1200 + 1000, "detected after " + ms + " ms");
            assertTrue(s.logLines("missed its heartbeat").get(0).contains("worker 2 (pid " + victim + ","));
            s.awaitLogCount("running after", 3, 30);
            assertTrue(TestPlayer.await(() -> ProcessHandle.of(victim).map(h -> !h.isAlive()).orElse(true), 5),
                    "the stopped worker was killed");
        }
    }

    @Test
    void killingTheMasterLeavesNoWorkerBehind(@TempDir Path dir) throws Exception {
        try (SluiceServer s = SluiceServer.start(dir, "workers: 2\n")) {
            List<ProcessHandle> workers = s.workers();
            assertEquals(2, workers.size());
            s.masterProcess().destroyForcibly();
            long t0 = System.nanoTime();
            assertTrue(TestPlayer.await(() -> workers.stream().noneMatch(ProcessHandle::isAlive), 3),
                    "workers still alive 3 s after the master was killed");
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 3000);
        }
    }

    @Test
    void sigintStopsTheServerLikeSigterm(@TempDir Path dir) throws Exception {
        try (SluiceServer s = SluiceServer.start(dir, "workers: 2\n")) {
            List<ProcessHandle> workers = s.workers();
            new ProcessBuilder("kill", "-INT", String.valueOf(s.masterPid())).start().waitFor();
            assertTrue(s.masterProcess().waitFor(30, TimeUnit.SECONDS), "the master stops on SIGINT");
            assertEquals(0, s.masterProcess().exitValue());
            assertEquals(1, s.logLines("stopping 2 worker\\(s\\)$").size());
            assertEquals(2, s.logLines("the master asked this worker to stop").size(), "worker.close to each");
            assertTrue(workers.stream().noneMatch(ProcessHandle::isAlive));
            assertFalse(Files.exists(dir.resolve("run/sluice.pid")), "pid file removed");
        }
    }

    /**
     * A current worker that exits 0 without the master asking (here it calls System.exit(0),
     * made to through the attach API) is replaced like any other exit.
     */
    @Test
    void aWorkerThatExitsZeroUnaskedIsReplaced(@TempDir Path dir) throws Exception {
        try (SluiceServer s = SluiceServer.start(dir, "workers: 1\n")) {
            long victim = s.workerPid(1);
            ExitAgent.exit(victim, 0, dir);
            s.awaitLog("exited with code 0 without being asked to stop", 15);
            s.awaitLogCount("running after", 2, 30);
            assertEquals(1, s.workers().size());
            assertTrue(s.workerPid(1) != victim, "a new worker runs in slot 1");
            assertEquals(1, s.listenerPids().size(), "and listens");
        }
    }
}
