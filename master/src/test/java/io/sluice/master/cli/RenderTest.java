package io.sluice.master.cli;

import io.sluice.common.protocol.control.StreamWhere;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What {@code bin/ctl where} prints, on a single host and in a cluster. */
class RenderTest {

    @Test
    void whereOnASingleHostNamesWorkersOnly() {
        assertEquals("live/cam: published on worker 2 (pid 4711), relayed by worker(s) 1\n",
                Render.where(new StreamWhere("live", "cam", 2, 4711, List.of(1), 0)));
        assertEquals("live/cam: published on worker 2 (pid 4711), relayed by no other worker\n",
                Render.where(new StreamWhere("live", "cam", 2, 4711, List.of(), 0)));
    }

    @Test
    void whereInAClusterNamesTheHostsToo() {
        assertEquals("live/cam: published on host edge-1, worker 2 (pid 4711), relayed by worker(s) 1, "
                        + "relayed to host(s) edge-2,edge-3\n",
                Render.where(new StreamWhere("live", "cam", 2, 4711, List.of(1), 0, "edge-1", List.of("edge-2", "edge-3"))));
        // Asked on a host that relays it: no pid of another host's process.
        assertEquals("live/cam: published on host edge-1, worker 2, relayed by no worker of this host, "
                        + "relayed to no other host\n",
                Render.where(new StreamWhere("live", "cam", 2, 0, List.of(), 0, "edge-1", List.of())));
    }
}
