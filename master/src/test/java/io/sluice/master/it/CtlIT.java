package io.sluice.master.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.sluice.common.testing.Processes;
import io.sluice.worker.it.TestMedia;
import io.sluice.worker.it.TestPlayer;
import io.sluice.worker.it.TestPublisher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every {@code bin/ctl} command against a running server, and its exit 1 refusals. */
@Timeout(180)
class CtlIT {

    private static EventLoopGroup group;
    private static Path flv;
    private static final Processes media = new Processes();

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        flv = dir.resolve("clip.flv");
        TestMedia.writeFlv(media, flv, 4);
    }

    @AfterAll
    static void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        media.close();
    }

    private static JsonNode json(SluiceServer.Result r) throws Exception {
        assertEquals(0, r.exitCode(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    void everyCommandAnswersAndRefusesWithExitOne(@TempDir Path dir) throws Exception {
        try (SluiceServer s = SluiceServer.start(dir, "workers: 1\n");
             TestPublisher publisher = TestPublisher.publish(group, s.port(), "live", "cam", flv);
             TestPlayer player = TestPlayer.play(group, s.port(), "live", "cam")) {
            assertTrue(TestPlayer.await(() -> player.video() > 5, 15), "the player receives");

            SluiceServer.Result status = s.ctl("status");
            assertEquals(0, status.exitCode(), status.err());
            assertTrue(status.out().contains("master pid   " + s.masterPid()), status.out());
            assertTrue(status.out().contains("generation   1"), status.out());
            assertTrue(status.out().contains("listening    0.0.0.0:" + s.port() + " (RTMP), 0.0.0.0:" + s.httpPort()
                    + " (HTTP)"), status.out());

            SluiceServer.Result workers = s.ctl("workers");
            assertEquals(0, workers.exitCode(), workers.err());
            List<String> rows = workers.out().lines().toList();
            assertTrue(rows.get(0).startsWith("WORKER"), workers.out());
            assertEquals(2, rows.size(), workers.out());
            assertTrue(rows.get(1).matches("1\\s+" + s.workers().get(0).pid() + "\\s+1\\s+running\\s.*"), rows.get(1));

            SluiceServer.Result streams = s.ctl("streams");
            assertEquals(0, streams.exitCode(), streams.err());
            assertTrue(streams.out().lines().anyMatch(l -> l.startsWith("live/cam ")), streams.out());

            JsonNode clients = json(s.ctl("clients", "--json"));
            JsonNode mine = null;
            for (JsonNode c : clients) {
                if (c.path("address").asText().endsWith(":" + player.localPort())) {
                    mine = c;
                }
            }
            assertNotNull(mine, clients.toString());
            assertEquals("player", mine.path("role").asText());
            assertEquals(2, clients.size(), "the publisher and the player: " + clients);

            SluiceServer.Result where = s.ctl("where", "live/cam");
            assertEquals(0, where.exitCode(), where.err());
            assertTrue(where.out().startsWith("live/cam: published on worker 1 (pid "), where.out());
            SluiceServer.Result nowhere = s.ctl("where", "live/nobody");
            assertEquals(1, nowhere.exitCode(), nowhere.out());
            assertTrue(nowhere.err().contains("live/nobody is not published"), nowhere.err());

            JsonNode ping = json(s.ctl("ping", "-n", "20", "--json"));
            assertEquals(1, ping.size());
            assertEquals(20, ping.get(0).path("count").asInt());
            assertTrue(ping.get(0).path("p50Micros").asDouble() > 0, ping.toString());

            SluiceServer.Result kickNobody = s.ctl("kick", "no-such-client");
            assertEquals(1, kickNobody.exitCode(), kickNobody.out());
            assertTrue(kickNobody.err().contains("no client no-such-client"), kickNobody.err());
            String id = mine.path("id").asText();
            SluiceServer.Result kick = s.ctl("kick", id);
            assertEquals(0, kick.exitCode(), kick.err());
            assertEquals("kicked client " + id + " on worker 1\n", kick.out());
            assertTrue(TestPlayer.await(player::isClosed, 10), "the kicked player is disconnected");
            assertFalse(publisher.client().channel().closeFuture().isDone(), "and nobody else");

            SluiceServer.Result reload = s.ctl("reload");
            assertEquals(0, reload.exitCode(), reload.err());
            assertTrue(reload.out().contains("reloaded: nothing changed"), reload.out());

            SluiceServer.Result stop = s.ctl("stop");
            assertEquals(0, stop.exitCode(), stop.err());
            assertEquals("stopping\n", stop.out());
            assertTrue(s.masterProcess().waitFor(30, TimeUnit.SECONDS), "the master stops");
            assertEquals(0, s.masterProcess().exitValue());
            assertEquals(1, s.logLines("stopping 1 worker\\(s\\)$").size());
            SluiceServer.Result after = s.ctl("status");
            assertEquals(69, after.exitCode(), "not running any more: " + after.err());
        }
    }

    @Test
    void stopNowSkipsWorkerClose(@TempDir Path dir) throws Exception {
        try (SluiceServer s = SluiceServer.start(dir, "workers: 2\n")) {
            SluiceServer.Result stop = s.ctl("stop", "--now");
            assertEquals(0, stop.exitCode(), stop.err());
            assertTrue(s.masterProcess().waitFor(30, TimeUnit.SECONDS), "the master stops");
            assertEquals(0, s.masterProcess().exitValue());
            assertEquals(1, s.logLines("stopping 2 worker\\(s\\) now").size());
            assertEquals(List.of(), s.logLines("the master asked this worker to stop"), "no worker.close was sent");
        }
    }
}
