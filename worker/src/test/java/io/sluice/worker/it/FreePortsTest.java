package io.sluice.worker.it;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FreePortsTest {

    @Test
    void portsAreDistinctBindableAndBelowTheEphemeralRange() throws Exception {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            int port = FreePorts.next();
            assertTrue(port >= FreePorts.FIRST && port < FreePorts.LAST, "port " + port + " outside the range");
            assertTrue(seen.add(port), "port " + port + " handed out twice");
        }
        int port = FreePorts.next();
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
        }
    }

    @Test
    void aPortSomebodyListensOnIsSkipped() throws Exception {
        int before = FreePorts.next();
        int following = FreePorts.FIRST + Math.floorMod(before + 1 - FreePorts.FIRST, FreePorts.LAST - FreePorts.FIRST);
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), following), 1);
            assertNotEquals(following, FreePorts.next(), "handed out a port with a listener on it");
        }
    }
}
