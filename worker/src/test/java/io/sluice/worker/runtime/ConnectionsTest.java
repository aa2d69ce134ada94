package io.sluice.worker.runtime;

import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.common.protocol.WorkerDump;
import io.sluice.worker.net.Connection;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
}
