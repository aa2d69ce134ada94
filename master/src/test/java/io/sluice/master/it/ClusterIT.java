package io.sluice.master.it;

import io.sluice.common.testing.Ffmpeg;
import io.sluice.common.testing.Processes;
import io.sluice.master.directory.redis.RedisServer;
import io.sluice.worker.it.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two hosts (two masters on loopback, one worker each) sharing a redis-server of the test's own:
 * ffmpeg publishes to host a, ffmpeg plays from host b, which relays the stream from a with a
 * token signed with the shared secret; a second publisher of the name on b is refused; a relay
 * with a wrong token is refused by a.
 */
class ClusterIT {

    private static final String SECRET = "cluster-it-secret-0123456789";

    private static String cluster(RedisServer redis, String node, int port) {
        return "workers: 1\ncluster:\n  redis: \"" + redis.url() + "\"\n  node: " + node + "\n  advertise: \"127.0.0.1:"
                + port + "\"\n  secret: \"" + SECRET + "\"\n  lease_ttl: 3s\n";
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
}
