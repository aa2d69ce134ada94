package io.sluice.common.protocol;

import io.sluice.common.channel.ChannelJson;
import io.sluice.common.channel.Event;
import io.sluice.common.channel.Method;
import io.sluice.common.config.SluiceConfig;
import io.sluice.common.protocol.control.ControlProtocol;
import io.sluice.common.protocol.control.PingOrder;
import io.sluice.common.protocol.control.StopOrder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two protocols: what each contains, that they are separate, and that their data round-trips. */
class ProtocolsTest {

    @Test
    void workerProtocolHasTheArchitecturesMethodsAndEvents() {
        assertEquals(Set.of("worker.identify", "worker.ping", "worker.dump", "worker.updateSettings", "worker.drain",
                        "worker.close", "client.kick", "stream.claim", "stream.release", "stream.locate", "access.admit",
                        "access.leave", "stream.drop"),
                WorkerProtocol.PROTOCOL.methods().stream().map(Method::wireName).collect(Collectors.toSet()));
        assertEquals(Set.of("worker.running", "stream.published", "stream.unpublished", "stream.relayOpened",
                        "stream.relayClosed", "stream.waitCancelled"),
                WorkerProtocol.PROTOCOL.events().stream().map(Event::wireName).collect(Collectors.toSet()));
    }

    @Test
    void controlProtocolIsSeparate() {
        assertEquals(Set.of("master.status", "master.reload", "master.ping", "master.stop", "stream.list",
                        "stream.where", "client.list", "client.kick"),
                ControlProtocol.PROTOCOL.methods().stream().map(Method::wireName).collect(Collectors.toSet()));
        assertTrue(WorkerProtocol.PROTOCOL.method("master.status").isEmpty());
        assertTrue(ControlProtocol.PROTOCOL.method("worker.ping").isEmpty());
        assertTrue(ControlProtocol.PROTOCOL.events().isEmpty());
        // client.kick exists in both, with different answers: the master says which worker had the client.
        assertTrue(ControlProtocol.KICK != (Object) WorkerProtocol.KICK);
    }

    @Test
    void recordsRoundTripThroughJson() {
        List<Object> values = List.of(
                new WorkerIdentity(2, 3, 4567, 1935, "/run/worker-2.g3.sock"),
                new IdentifyReply(SluiceConfig.defaults(), "/run/worker-2.g3.sock"),
                new WorkerLoad(10, 1, 8, 2, 1000, 2000, 3000, true, 5, 9, java.util.Map.of("rtmp", 5, "http-flv", 3)),
                new Heartbeat(250),
                new DrainOrder(300_000),
                new ClientRef("a1b2c3"),
                new StreamRef("live", "cam"),
                new StreamLocation("live", "cam", true, 2, "/run/worker-2.g3.sock"),
                new StreamGone("live", "cam", 2, "/run/worker-2.g3.sock"),
                new ClaimReply(false, 1),
                new AdmitOrder("c1/1", "play", "live", "cam", "192.0.2.1"),
                new AdmitReply(false, "live/cam has 10 players"),
                new PingOrder(10),
                new StopOrder(false, true));
        for (Object value : values) {
            String json = ChannelJson.write(ChannelJson.toTree(value));
            assertEquals(value, ChannelJson.convert(ChannelJson.parse(json), value.getClass()), json);
        }
    }

    @Test
    void recordsRefuseWhatCannotBeRight() {
        assertThrows(IllegalArgumentException.class, () -> new StreamRef("", "cam"));
        assertThrows(IllegalArgumentException.class, () -> new ClientRef(" "));
        assertThrows(IllegalArgumentException.class, () -> new AdmitOrder("t", "watch", "live", "cam", ""));
        assertThrows(IllegalArgumentException.class, () -> new Heartbeat(-2));
        assertThrows(IllegalArgumentException.class, () -> new PingOrder(0));
        assertThrows(IllegalArgumentException.class, () -> new StopOrder(true, true));
        assertThrows(IllegalArgumentException.class,
                () -> ChannelJson.convert(ChannelJson.parse("{\"count\":0}"), PingOrder.class));
    }
}
