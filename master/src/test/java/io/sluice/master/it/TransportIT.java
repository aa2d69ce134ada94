package io.sluice.master.it;

import io.sluice.worker.RequireIoUring;
import io.sluice.worker.it.TestPlayer;
import io.sluice.worker.it.TestPublisher;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code worker.transport} on a real server: {@code auto} is io_uring where the kernel allows it,
 * and where it does not ({@code kernel.io_uring_disabled = 2}, as a hardened host or a container
 * would have it) the workers fall back to epoll with one INFO line each ({@code io_uring}: one
 * WARN line each) and serve publishers, players and relays as before. Writes the sysctl (root,
 * Linux 6.6+) and gives it back.
 */
class TransportIT {

    private static final Path IO_URING_DISABLED = Path.of("/proc/sys/kernel/io_uring_disabled");

    @RegisterExtension
    static final TestClients CLIENTS = new TestClients();

    @Test
    @Timeout(90)
    void autoIsIoUringWhereTheKernelAllowsIt(@TempDir Path dir) throws Exception {
        RequireIoUring.here();
        try (SluiceServer s = SluiceServer.start(dir, "workers: 2\n")) {
            s.awaitLogCount("(SO_REUSEPORT, io_uring", 4, 20); // RTMP and HTTP listeners of both workers
            assertEquals(List.of(), s.logLines("using epoll"));
            publishAndPlay(s);
        }
    }

    @Test
    @Timeout(120)
    void whereTheKernelRefusesIoUringAutoIsEpollWithAnInfoLineAndIoUringWithAWarning(@TempDir Path dir)
            throws Exception {
        String original = requireWritableSysctl();
        try {
            Files.writeString(IO_URING_DISABLED, "2\n");
            Files.createDirectories(dir.resolve("auto"));
            Files.createDirectories(dir.resolve("io_uring"));
            try (SluiceServer s = SluiceServer.start(dir.resolve("auto"), "workers: 2\n")) {
                s.awaitLogCount("(SO_REUSEPORT, epoll", 4, 20);
                List<String> info = s.logLines("INFO .*io_uring is not available here \\(.+\\); using epoll");
                assertEquals(2, info.size(), "one INFO line per worker: " + s.logLines("io_uring"));
                assertEquals(List.of(), s.logLines("WARN .*io_uring"));
                publishAndPlay(s);
            }
            try (SluiceServer s = SluiceServer.start(dir.resolve("io_uring"),
                    "workers: 1\nworker:\n  transport: io_uring\n")) {
                s.awaitLogCount("(SO_REUSEPORT, epoll", 2, 20);
                assertEquals(1, s.logLines("WARN .*worker.transport is io_uring, but io_uring is not available here"
                        + " \\(.+\\); using epoll").size(), s.logLines("io_uring").toString());
                publishAndPlay(s);
            }
        } finally {
            Files.writeString(IO_URING_DISABLED, original + "\n");
        }
        assertEquals(original, Files.readString(IO_URING_DISABLED).trim(), "the sysctl was given back");
    }

    private static String requireWritableSysctl() throws Exception {
        if (!Files.isWritable(IO_URING_DISABLED)) {
            String why = IO_URING_DISABLED + " is missing or not writable: the test needs root and Linux 6.6+";
            if ("true".equals(System.getenv("CI"))) {
                fail(why + " (CI=true)");
            }
            Assumptions.abort(why + "; skipped");
        }
        return Files.readString(IO_URING_DISABLED).trim();
    }

    /** A publisher and 8 players, so that on two workers some players are served through a relay. */
    private static void publishAndPlay(SluiceServer s) throws Exception {
        List<TestPlayer> players = new ArrayList<>();
        try (TestPublisher publisher = TestPublisher.publish(CLIENTS.group(), s.port(), "live", "cam", CLIENTS.flv())) {
            for (int i = 0; i < 8; i++) {
                players.add(TestPlayer.play(CLIENTS.group(), s.port(), "live", "cam"));
            }
            assertTrue(TestPlayer.await(() -> players.stream().allMatch(p -> p.video() > 0 && p.audio() > 0), 20),
                    "players without media: " + players.stream().map(p -> p.video() + "v/" + p.audio() + "a").toList());
        } finally {
            players.forEach(TestPlayer::close);
        }
    }
}
