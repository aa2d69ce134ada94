package io.sluice.worker.net;

import ch.qos.logback.classic.Level;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.worker.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** rtmp.max_connections, the server-wide share, rtmp.max_connections_per_ip, and the refusal log. */
class ConnectionLimitsTest {

    private static final InetAddress A = address(10, 0, 0, 1);
    private static final InetAddress B = address(10, 0, 0, 2);

    /** Its event loop runs the once-a-second log flush on a frozen clock. */
    private final EmbeddedChannel loop = new EmbeddedChannel();

    private static InetAddress address(int... octets) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) octets[0], (byte) octets[1], (byte) octets[2],
                    (byte) octets[3]});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void close() {
        loop.finishAndReleaseAll();
    }

    @Test
    void theConnectionAfterTheLimitIsRefusedUntilOneCloses() {
        ConnectionLimits limits = new ConnectionLimits(2, 0);
        assertNull(limits.admit(A));
        assertNull(limits.admit(B));
        assertEquals("the worker has 2 connections (rtmp.max_connections)", limits.admit(A));
        assertEquals(2, limits.admittedCount());
        limits.release(B);
        assertNull(limits.admit(A));
    }

    @Test
    void theLowerOfMaxConnectionsAndTheServerShareApplies() {
        ConnectionLimits limits = new ConnectionLimits(0, 0);
        assertEquals(-1, limits.effectiveLimit(), "no limit");
        limits.serverShare(1);
        assertNull(limits.admit(A));
        assertEquals("the worker has 1 connections, its share of the server-wide limit", limits.admit(A));
        limits.update(5, 0);
        limits.serverShare(3);
        assertEquals(3, limits.effectiveLimit());
        limits.serverShare(10);
        assertEquals(5, limits.effectiveLimit());
        limits.serverShare(-1);
        assertEquals(5, limits.effectiveLimit(), "-1 = no server-wide limit");
        limits.serverShare(0);
        assertEquals(0, limits.effectiveLimit(), "0 = a full server: nothing new");
        assertEquals("the worker has 0 connections, its share of the server-wide limit", limits.admit(A));
    }

    @Test
    void oneAddressIsHeldToItsLimitOthersAreNot() {
        ConnectionLimits limits = new ConnectionLimits(0, 2);
        assertNull(limits.admit(A));
        assertNull(limits.admit(A));
        assertEquals("the worker has 2 connections from 10.0.0.1 (rtmp.max_connections_per_ip)", limits.admit(A));
        assertNull(limits.admit(B));
        assertNull(limits.admit(null), "a Unix socket has no address to count");
        assertEquals(4, limits.admittedCount(), "the refused one is not counted");
        limits.release(A);
        assertNull(limits.admit(A));
    }

    @Test
    void refusalsAreLoggedAtMostOnceASecondWithTheirCount() {
        loop.freezeTime();
        ConnectionLimits limits = new ConnectionLimits(1, 0, loop.eventLoop().ticker());
        try (LogCapture log = new LogCapture(ConnectionLimits.class)) {
            for (int i = 0; i < 5; i++) {
                limits.refused("10.0.0." + i + ":5000", "the worker has 1 connections (rtmp.max_connections)",
                        loop.eventLoop());
            }
            assertEquals(List.of("refused 1 connection(s) since the last such line, each closed after its handshake;"
                    + " the last from 10.0.0.0:5000: the worker has 1 connections (rtmp.max_connections)"),
                    log.messages(Level.WARN), "the first at once");
            loop.advanceTimeBy(999, TimeUnit.MILLISECONDS);
            loop.runPendingTasks();
            assertEquals(1, log.messages(Level.WARN).size(), "nothing more within the second");
            loop.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            loop.runPendingTasks();
            assertEquals(2, log.messages(Level.WARN).size());
            assertTrue(log.messages(Level.WARN).get(1).startsWith("refused 4 connection(s) since the last such line"),
                    log.messages(Level.WARN).get(1));
            assertTrue(log.messages(Level.WARN).get(1).contains("the last from 10.0.0.4:5000"));

            loop.advanceTimeBy(500, TimeUnit.MILLISECONDS);
            limits.refused("10.0.0.9:5000", "why", loop.eventLoop());
            assertEquals(2, log.messages(Level.WARN).size(), "half a second after the last line: later");
            loop.advanceTimeBy(500, TimeUnit.MILLISECONDS);
            loop.runPendingTasks();
            assertEquals(3, log.messages(Level.WARN).size());
            assertEquals(6, limits.refusedCount());

            loop.advanceTimeBy(5, TimeUnit.SECONDS);
            loop.runPendingTasks();
            assertEquals(3, log.messages(Level.WARN).size(), "no line without a refusal");
        }
    }
}
