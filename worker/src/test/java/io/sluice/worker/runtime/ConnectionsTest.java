package io.sluice.worker.runtime;

import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.common.protocol.WorkerDump;
import io.sluice.worker.net.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionsTest {

    private static EmbeddedChannel connection(Connections all, Connection.Role role, String stream, String protocol,
                                              long bytesOut) {
        // Each its own id: the group is a set of channels by id, and EmbeddedChannels share one by default.
        EmbeddedChannel ch = new EmbeddedChannel(DefaultChannelId.newInstance());
        Connection c = Connection.of(ch);
        c.protocol(protocol);
        c.role(role, stream);
        c.addBytesOut(bytesOut);
        all.track(ch);
        return ch;
    }

    @Test
    void streamTotalsCountPlayersOnlyWithOrWithoutTheClientList() {
        Connections all = new Connections();
        connection(all, Connection.Role.PUBLISHER, "live/cam", "rtmp", 100);
        connection(all, Connection.Role.PLAYER, "live/cam", "rtmp", 1_000_000);
        connection(all, Connection.Role.PLAYER, "live/cam", "http-flv", 500_000);
        connection(all, Connection.Role.RELAY, "live/cam", "rtmp", 7_000_000); // to another worker: not audience
        connection(all, Connection.Role.PLAYER, "live/other", "ws-flv", 10);

        for (boolean withClients : new boolean[] {true, false}) {
            Map<String, Connections.StreamPlayers> players = new HashMap<>();
            List<WorkerDump.ClientInfo> clients = all.clients(withClients, players);
            assertEquals(withClients ? 5 : 0, clients.size());
            Connections.StreamPlayers cam = players.get("live/cam");
            assertEquals(Map.of("rtmp", 1, "http-flv", 1), cam.byProtocol);
            assertEquals(1_500_000, cam.bytesOut);
            // Started just now: at least one millisecond is assumed, so the rate is bounded by the bytes.
            assertTrue(cam.kbpsOut > 0 && cam.kbpsOut <= 1_500_000 * 8, String.valueOf(cam.kbpsOut));
            assertEquals(Map.of("ws-flv", 1), players.get("live/other").byProtocol);
            assertEquals(2, players.size());
        }
    }

    /**
     * The byte totals feed Prometheus counters, which must never go down: a connection that
     * closes while the heartbeat adds up must be counted as open or as closed, never as neither.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void byteTotalsNeverGoDownWhileConnectionsClose() throws Exception {
        Connections all = new Connections();
        int count = 20_000;
        List<EmbeddedChannel> open = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            open.add(connection(all, Connection.Role.PLAYER, "live/cam", "rtmp", 1000));
        }
        AtomicBoolean closing = new AtomicBoolean(true);
        AtomicReference<String> dip = new AtomicReference<>();
        Thread sampler = new Thread(() -> {
            long last = 0;
            while (closing.get() && dip.get() == null) {
                long now = all.totals().bytesOut;
                if (now < last) {
                    dip.set(last + " then " + now);
                }
                last = now;
                // A pause between passes, as the heartbeat's once a second leaves: a sampler that
                // takes the lock again at once can starve the closers (the lock is not fair), and
                // once kept 20 000 closes waiting for six minutes on a busy machine.
                LockSupport.parkNanos(50_000);
            }
        }, "totals-sampler");
        sampler.start();
        try {
            for (EmbeddedChannel ch : open) {
                ch.close();
                if (dip.get() != null) {
                    break;
                }
            }
        } finally {
            closing.set(false);
            sampler.join();
        }
        assertEquals(null, dip.get(), "bytesOut went down while connections closed");
        assertEquals(count * 1000L, all.totals().bytesOut);
        assertEquals(0, all.size());
    }
}
