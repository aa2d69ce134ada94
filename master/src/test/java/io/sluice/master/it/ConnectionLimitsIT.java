package io.sluice.master.it;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.sluice.common.channel.ChannelPeer;
import io.sluice.common.channel.ChannelTransport;
import io.sluice.common.protocol.control.ControlProtocol;
import io.sluice.common.protocol.control.StatusView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The connection limits end to end, with the master, its worker processes and plain TCP clients:
 * {@code rtmp.max_connections_total} split over two workers by the heartbeat, raised by a reload
 * in place, and {@code rtmp.max_connections_per_ip} counted per client address.
 *
 * <p>Why the counts are exact although the kernel spreads connections over the workers at random
 * (SO_REUSEPORT hashes each connection) and a worker's share changes only with a heartbeat:
 * <ul>
 *   <li>At the total, no connection is admitted, whichever worker it lands on and whenever it
 *       comes: the master gives a worker room only out of what no worker can still take (see
 *       {@code ConnectionShare}), so the workers' limits never add up to more than the total. The
 *       connections over the total are opened at once, without waiting for a heartbeat: a share
 *       computed from old counts would let one in here (it did, before that rule).</li>
 *   <li>Below the total, a connection can be refused: the worker it lands on may have used its
 *       part while the other has room (with one connection left, only one worker may take it), or
 *       the room it is to get is still another worker's until that one answers. Filling up
 *       therefore tries again until the wanted number is admitted and counts the refusals on the
 *       way; the tries are bounded, and each waits until the heartbeat answers add up to what the
 *       clients saw, so the next one meets the shares of a later heartbeat.</li>
 *   <li>Each client connects alone and learns its fate (the answer to {@code connect}, or the end
 *       of the connection right after the handshake) before the next, so the refusals the workers
 *       report add up to exactly the ones the clients saw.</li>
 * </ul>
 */
@Timeout(60)
class ConnectionLimitsIT {

    private static final String CLIENT = "127.0.0.1";
    private static final String OTHER_CLIENT = "127.0.0.2";
    /** Tries to fill up may be refused this many times (each needs an unlucky spread): far more than happens. */
    private static final int REFUSALS_ALLOWED_WHILE_FILLING = 20;
    /** Admitted connections that never publish or play stay open; a short heartbeat keeps the test short. */
    private static final String RTMP = "  idle_timeout: 0s\n";
    private static final String WORKER = "worker:\n  heartbeat_interval: 100ms\n";

    private static EventLoopGroup group;

    @BeforeAll
    static void setUp() {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterAll
    static void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void theServerWideTotalHoldsOverTwoWorkersAndAReloadRaisesItInPlace(@TempDir Path dir) throws Exception {
        List<Client> open = new ArrayList<>();
        try (SluiceServer s = SluiceServer.start(dir, RTMP + "  max_connections_total: 6\n", "workers: 2\n" + WORKER);
             Control control = Control.open(s)) {
            // Before its first heartbeat a worker has no share (nothing to hold it to): wait for it.
            control.awaitHeartbeats(2);
            List<Long> pids = s.workers().stream().map(ProcessHandle::pid).sorted().toList();
            Tally tally = new Tally();

            open.addAll(admit(s, control, 6, CLIENT, tally));
            Map<Long, Integer> spread = perWorker(s, open);
            assertEquals(6, spread.values().stream().mapToInt(Integer::intValue).sum(), "the 6 are established");

            int extras = 4;
            for (int i = 0; i < extras; i++) {
                try (Client c = Client.open(CLIENT, s.port())) {
                    assertTrue(c.refused(), "connection " + (7 + i) + " over a total of 6 is closed after its handshake"
                            + " (the workers hold " + spread + ")");
                    tally.refused++;
                }
            }
            control.awaitView(tally);
            assertEquals(spread, perWorker(s, open), "the 6 admitted stay open, each on its worker");
            assertEquals(tally.refused, refusedColumn(s), "bin/ctl workers: the REFUSED column adds up");
            System.out.printf("[figure] max_connections_total 6 over 2 workers: admitted %s (pid=count),"
                    + " %d of %d over the total refused%n", spread, extras, extras);

            // Two leave: their room goes back to the server, whichever worker they were on.
            open.remove(0).close();
            open.remove(0).close();
            tally.open -= 2;
            control.awaitView(tally);
            open.addAll(admit(s, control, 2, CLIENT, tally));
            try (Client c = Client.open(CLIENT, s.port())) {
                assertTrue(c.refused(), "full again at 6");
                tally.refused++;
            }

            // A reload raises the total: the same workers take 2 more, no new generation.
            s.rewrite(RTMP + "  max_connections_total: 8\n", "workers: 2\n" + WORKER);
            SluiceServer.Result reload = s.ctl("reload");
            assertEquals(0, reload.exitCode(), reload.err());
            assertTrue(reload.out().contains("rtmp.max_connections_total")
                    && reload.out().contains("applied in place to 2 worker(s)"),
                    reload.out());
            open.addAll(admit(s, control, 2, CLIENT, tally));
            try (Client c = Client.open(CLIENT, s.port())) {
                assertTrue(c.refused(), "full again at the new total, 8");
                tally.refused++;
            }
            control.awaitView(tally);
            assertEquals(8, perWorker(s, open).values().stream().mapToInt(Integer::intValue).sum(), "8 established");
            assertEquals(pids, s.workers().stream().map(ProcessHandle::pid).sorted().toList(), "the same workers");
            assertEquals(1, s.logLines("starting 2 worker\\(s\\), generation").size(), "no new generation");

            // Each worker logged its refusals at most once a second, and every one of them.
            awaitLoggedRefusals(s, tally.refused);
            System.out.printf("[figure] filling up to 6, to 6 again and to 8: %d of %d tries refused below the total%n",
                    tally.refusedFilling, tally.triesFilling);
            open.forEach(Client::close);
        } finally {
            open.forEach(Client::close);
        }
    }

    @Test
    void thePerAddressLimitCountsEachClientAddress(@TempDir Path dir) throws Exception {
        try (SluiceServer s = SluiceServer.start(dir, RTMP + "  max_connections_per_ip: 2\n", "workers: 1\n" + WORKER);
             Control control = Control.open(s);
             Client first = Client.open(CLIENT, s.port());
             Client second = Client.open(CLIENT, s.port());
             Client third = Client.open(CLIENT, s.port());
             Client other = Client.open(OTHER_CLIENT, s.port())) {
            assertTrue(first.admitted() && second.admitted(), "two from " + CLIENT);
            assertTrue(third.refused(), "a third from " + CLIENT + " is closed after its handshake");
            assertTrue(other.admitted(), "one from " + OTHER_CLIENT + " beside them");
            Tally tally = new Tally();
            tally.open = 3;
            tally.refused = 1;
            control.awaitView(tally);
            assertEquals(1, refusedColumn(s));
            s.awaitLog("(rtmp.max_connections_per_ip)", 10);
            assertEquals(1, s.logLines("connections from 127\\.0\\.0\\.1 \\(rtmp\\.max_connections_per_ip\\)").size());
        }
    }

    /** What the clients saw: connections admitted and still open, and refusals. */
    private static final class Tally {
        int open;
        int refused;
        int triesFilling;
        int refusedFilling;
    }

    /**
     * Connects from {@code from} one at a time until {@code count} are admitted, and waits after
     * each try until the master's view matches (see the class comment); returns the admitted.
     */
    private static List<Client> admit(SluiceServer s, Control control, int count, String from, Tally tally)
            throws Exception {
        List<Client> admitted = new ArrayList<>();
        int refusals = 0;
        while (admitted.size() < count) {
            Client c = Client.open(from, s.port());
            tally.triesFilling++;
            if (c.admitted()) {
                admitted.add(c);
                tally.open++;
            } else {
                c.close();
                tally.refused++;
                tally.refusedFilling++;
                assertTrue(++refusals <= REFUSALS_ALLOWED_WHILE_FILLING, "refused " + refusals + " times while "
                        + tally.open + " were open, under the total");
            }
            control.awaitView(tally);
        }
        return admitted;
    }

    /** The worker (pid) holding each of {@code clients}, counted per worker, from {@code ss}. */
    private static Map<Long, Integer> perWorker(SluiceServer s, List<Client> clients) throws Exception {
        Map<Integer, Long> byPort = s.serverPidsByClientPort();
        Map<Long, Integer> counts = new HashMap<>();
        for (Client c : clients) {
            Long pid = byPort.get(c.localPort());
            assertTrue(pid != null, "client port " + c.localPort() + " is not established on the server: " + byPort);
            counts.merge(pid, 1, Integer::sum);
        }
        return counts;
    }

    /** The sum of {@code bin/ctl workers}' REFUSED column. */
    private static long refusedColumn(SluiceServer s) throws Exception {
        SluiceServer.Result workers = s.ctl("workers");
        assertEquals(0, workers.exitCode(), workers.err());
        List<String> rows = workers.out().lines().toList();
        int column = rows.get(0).indexOf("REFUSED");
        assertTrue(column > 0, workers.out());
        long sum = 0;
        for (String row : rows.subList(1, rows.size())) {
            sum += Long.parseLong(row.substring(column).split("\\s+")[0]);
        }
        return sum;
    }

    /**
     * Waits until the workers' "refused N connection(s)" lines add up to {@code refused} (a line
     * may wait for the end of its second), and checks that no worker wrote two within a second.
     */
    private static void awaitLoggedRefusals(SluiceServer s, int refused) throws Exception {
        Pattern line = Pattern.compile("^(\\S+ \\S+) WARN +(worker-\\S+) .* refused (\\d+) connection\\(s\\) since");
        DateTimeFormatter time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int logged = 0;
        List<String> lines = List.of();
        while (System.nanoTime() < deadline) {
            lines = s.logLines(" refused \\d+ connection\\(s\\) since");
            logged = 0;
            for (String l : lines) {
                Matcher m = line.matcher(l);
                assertTrue(m.find(), l);
                logged += Integer.parseInt(m.group(3));
            }
            if (logged >= refused) {
                break;
            }
            Thread.sleep(50);
        }
        assertEquals(refused, logged, "refusals in the log: " + lines);
        Map<String, LocalDateTime> last = new HashMap<>();
        for (String l : lines) {
            Matcher m = line.matcher(l);
            assertTrue(m.find());
            LocalDateTime at = LocalDateTime.parse(m.group(1), time);
            LocalDateTime before = last.put(m.group(2), at);
            // The interval is measured on the worker's monotonic clock; a line is stamped a little after it.
            assertTrue(before == null || Duration.between(before, at).toMillis() >= 900,
                    "two refusal lines of " + m.group(2) + " within a second: " + lines);
        }
    }

    /** The master's control socket, kept open for the many status polls of a test. */
    private static final class Control implements AutoCloseable {

        private final ChannelPeer peer;

        private Control(ChannelPeer peer) {
            this.peer = peer;
        }

        static Control open(SluiceServer s) throws IOException {
            return new Control(ChannelTransport.connect(s.dir().resolve("run").resolve("control.sock"), group,
                    new ChannelPeer("master", ControlProtocol.PROTOCOL, Duration.ofSeconds(10))));
        }

        StatusView status() throws Exception {
            return peer.request(ControlProtocol.STATUS, null).get(10, TimeUnit.SECONDS);
        }

        /** Waits until {@code count} workers have answered a heartbeat (and so hold a share). */
        void awaitHeartbeats(int count) throws Exception {
            StatusView last = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                last = status();
                if (last.workers().stream().filter(w -> w.rttP50Micros() >= 0).count() == count) {
                    return;
                }
                Thread.sleep(20);
            }
            fail("not " + count + " workers with a heartbeat answer: " + last);
        }

        /**
         * Waits until the workers' last heartbeat answers add up to the connections the test has
         * open and the refusals it saw. (An answer may be older than the test's last connection:
         * its count includes connections still in their handshake.)
         */
        void awaitView(Tally tally) throws Exception {
            StatusView last = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                last = status();
                int connections = last.workers().stream().mapToInt(StatusView.WorkerView::connections).sum();
                long refused = last.workers().stream().mapToLong(StatusView.WorkerView::refused).sum();
                if (connections == tally.open && refused == tally.refused) {
                    return;
                }
                Thread.sleep(20);
            }
            fail("the workers never reported " + tally.open + " open and " + tally.refused + " refused: "
                    + last.workers());
        }

        @Override
        public void close() {
            peer.close();
        }
    }

    /**
     * One client connection on a plain socket from a local address of the test's choosing: the
     * handshake, then {@code connect}. Admitted when the server answers {@code connect}; refused
     * when the server ends the connection after the handshake without a byte more.
     */
    private static final class Client implements AutoCloseable {

        private final Socket socket;
        private final boolean admitted;

        private Client(Socket socket, boolean admitted) {
            this.socket = socket;
            this.admitted = admitted;
        }

        static Client open(String from, int port) throws IOException {
            Socket socket = new Socket();
            try {
                socket.bind(new InetSocketAddress(from, 0));
                socket.connect(new InetSocketAddress(CLIENT, port), 2000);
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                byte[] c0c1 = new byte[1 + 1536];
                c0c1[0] = 3;
                out.write(c0c1);
                out.flush();
                byte[] s0s1s2 = in.readNBytes(1 + 1536 + 1536);
                if (s0s1s2.length != 3073) {
                    throw new IOException("the handshake was cut short after " + s0s1s2.length + " bytes");
                }
                out.write(s0s1s2, 1, 1536); // C2 echoes S1
                out.write(connect(port));
                out.flush();
                return new Client(socket, answered(in));
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }

        /** Reads until the answer to {@code connect} (true) or the end of the connection (false). */
        private static boolean answered(InputStream in) throws IOException {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (SocketException reset) {
                    n = -1; // the server closed with our connect unread: a reset instead of an end
                }
                if (n < 0) {
                    if (got.size() > 0) {
                        throw new IOException("the server answered, then closed: " + got.size() + " bytes");
                    }
                    return false;
                }
                got.write(buffer, 0, n);
                if (got.toString(StandardCharsets.ISO_8859_1).contains("_result")) {
                    return true;
                }
            }
        }

        /**
         * {@code connect("live")} as one chunk (the payload is under the 128-byte chunk size):
         * chunk stream 3, AMF0 command, message stream 0.
         */
        private static byte[] connect(int port) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            string(body, "connect");
            body.write(0x00); // number: transaction id 1
            long one = Double.doubleToLongBits(1.0);
            for (int shift = 56; shift >= 0; shift -= 8) {
                body.write((int) (one >>> shift));
            }
            body.write(0x03); // object
            key(body, "app");
            string(body, "live");
            key(body, "tcUrl");
            string(body, "rtmp://" + CLIENT + ":" + port + "/live");
            body.write(0);
            body.write(0);
            body.write(0x09); // object end
            int length = body.size();
            ByteArrayOutputStream chunk = new ByteArrayOutputStream();
            chunk.write(0x03); // fmt 0, chunk stream 3
            chunk.writeBytes(new byte[3]); // timestamp 0
            chunk.write(length >> 16);
            chunk.write(length >> 8);
            chunk.write(length);
            chunk.write(0x14); // AMF0 command
            chunk.writeBytes(new byte[4]); // message stream 0
            chunk.writeBytes(body.toByteArray());
            return chunk.toByteArray();
        }

        private static void key(ByteArrayOutputStream out, String key) {
            byte[] b = key.getBytes(StandardCharsets.US_ASCII);
            out.write(b.length >> 8);
            out.write(b.length);
            out.writeBytes(b);
        }

        private static void string(ByteArrayOutputStream out, String value) {
            out.write(0x02);
            key(out, value);
        }

        boolean admitted() {
            return admitted;
        }

        boolean refused() {
            return !admitted;
        }

        int localPort() {
            return socket.getLocalPort();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a client: nothing to do about it
            }
        }
    }
}
