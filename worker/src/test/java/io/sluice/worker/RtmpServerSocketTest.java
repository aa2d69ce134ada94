package io.sluice.worker;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.sluice.worker.rtmp.amf.EcmaArray;
import io.sluice.worker.rtmp.client.ClientListener;
import io.sluice.worker.rtmp.client.RtmpClient;
import io.sluice.worker.rtmp.client.RtmpStatusException;
import io.sluice.worker.rtmp.message.AudioData;
import io.sluice.worker.rtmp.message.DataMessage;
import io.sluice.worker.rtmp.message.MediaMessage;
import io.sluice.worker.rtmp.message.VideoData;
import io.sluice.worker.rtmp.server.RtmpListener;
import io.sluice.worker.runtime.WorkerRuntime;
import io.sluice.worker.stream.GopSettings;
import io.sluice.worker.stream.LiveStream;
import io.sluice.worker.stream.StreamKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server on real loopback sockets with the project's RTMP client: fan-out, slow players,
 * timeouts and a broken handshake, each affecting only the connection at fault.
 */
@Timeout(60)
class RtmpServerSocketTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private WorkerRuntime server;
    private EventLoopGroup clients;
    private InetSocketAddress address;
    private final List<RtmpClient> opened = new CopyOnWriteArrayList<>();

    private void start(io.sluice.worker.rtmp.session.SessionSettings settings) throws Exception {
        server = new WorkerRuntime(2, new GopSettings(true, 2048, 32 << 20), settings.maxConnections(),
                settings.maxConnectionsPerIp());
        RtmpListener rtmp = new RtmpListener(server, settings);
        address = new InetSocketAddress("127.0.0.1", rtmp.bind("127.0.0.1", 0).getPort());
    }

    @BeforeEach
    void clients() {
        clients = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    }

    @AfterEach
    void stop() {
        opened.forEach(RtmpClient::close);
        clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        if (server != null) {
            server.close();
        }
    }

    /** Polls {@code condition} for up to 5 s; whether it held. */
    private static boolean await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    private RtmpClient connect(ClientListener listener) throws Exception {
        RtmpClient c = RtmpClient.connect(clients, address, "live", "rtmp://127.0.0.1/live", listener, TIMEOUT)
                .get(5, TimeUnit.SECONDS);
        opened.add(c);
        return c;
    }

    private RtmpClient publisher(String name) throws Exception {
        RtmpClient p = connect(new ClientListener() { });
        int sid = p.createStream().get(5, TimeUnit.SECONDS);
        p.publish(sid, name).get(5, TimeUnit.SECONDS);
        p.setChunkSize(60000);
        return p;
    }

    private static VideoData video(long ts, boolean key, int size) {
        ByteBuf b = Unpooled.buffer(size);
        b.writeByte(key ? 0x17 : 0x27).writeByte(1).writeMedium(0);
        b.writeZero(size - 5);
        return new VideoData(ts, 1, b);
    }

    /** Collects what a player receives. */
    private static final class Recorder implements ClientListener {
        final List<String> received = new CopyOnWriteArrayList<>();
        final List<String> statuses = new CopyOnWriteArrayList<>();
        final CountDownLatch closed = new CountDownLatch(1);
        final AtomicInteger videos = new AtomicInteger();

        @Override
        public void onMedia(MediaMessage media) {
            int first = media.payload().getUnsignedByte(media.payload().readerIndex());
            received.add(media.type() + "@" + media.timestamp() + ":" + Integer.toHexString(first));
            if (media instanceof VideoData) {
                videos.incrementAndGet();
            }
        }

        @Override
        public void onStatus(int streamId, String code, Map<?, ?> info) {
            statuses.add(code);
        }

        @Override
        public void onClose() {
            closed.countDown();
        }
    }

    @Test
    void everyPlayerGetsTheSameFramesStartingOnAKeyframe() throws Exception {
        start(io.sluice.worker.rtmp.session.SessionSettings.defaults());
        RtmpClient pub = publisher("cam");
        pub.write(DataMessage.of(0, 1, "@setDataFrame", "onMetaData", EcmaArray.of("width", 640.0)));
        pub.write(new VideoData(0, 1, Unpooled.wrappedBuffer(new byte[]{0x17, 0, 0, 0, 0, 1})));
        pub.write(video(0, true, 3000));
        pub.writeAndFlush(video(40, false, 800));
        LiveStream cam = server.registry().find(new StreamKey("live", "cam"));
        assertTrue(await(() -> cam.stats().framesIn() == 4), "the server has the publisher's 4 messages");
        Recorder[] players = new Recorder[5];
        for (int i = 0; i < players.length; i++) {
            players[i] = new Recorder();
            RtmpClient c = connect(players[i]);
            c.play(c.createStream().get(5, TimeUnit.SECONDS), "cam").get(5, TimeUnit.SECONDS);
            // Set up: the client no longer re-arms TCP_QUICKACK per read (players ACK like ffmpeg).
            assertEquals(io.sluice.worker.net.Connection.Role.PLAYER,
                    io.sluice.worker.net.Connection.of(c.channel()).role());
        }
        assertEquals(io.sluice.worker.net.Connection.Role.PUBLISHER,
                io.sluice.worker.net.Connection.of(pub.channel()).role());
        for (int t = 80; t <= 400; t += 40) {
            pub.write(video(t, t % 200 == 0, 1000));
            pub.write(new AudioData(t, 1, Unpooled.wrappedBuffer(new byte[]{(byte) 0xaf, 1, 5})));
        }
        pub.flush();
        await(() -> java.util.Arrays.stream(players).allMatch(p -> p.received.size() >= 21));
        for (Recorder r : players) {
            assertEquals(21, r.received.size(), r.received.toString());
            assertEquals("VIDEO@0:17", r.received.get(0), "sequence header first");
            assertEquals("VIDEO@0:17", r.received.get(1), "then the cached key frame");
            assertEquals(players[0].received, r.received);
            assertTrue(r.statuses.contains("NetStream.Play.Start"));
        }
    }

    @Test
    void aSlowPlayerIsDroppedToKeyframesThenDisconnectedWhileOthersCarryOn() throws Exception {
        start(TestSettings.with(Duration.ofSeconds(5), Duration.ofSeconds(10), 64 * 1024, Duration.ofSeconds(1)));
        RtmpClient pub = publisher("fast");
        Recorder slow = new Recorder();
        RtmpClient slowClient = connect(slow);
        slowClient.play(slowClient.createStream().get(5, TimeUnit.SECONDS), "fast").get(5, TimeUnit.SECONDS);
        slowClient.channel().config().setAutoRead(false); // stops reading: the server's buffers fill up
        Recorder good = new Recorder();
        RtmpClient goodClient = connect(good);
        goodClient.play(goodClient.createStream().get(5, TimeUnit.SECONDS), "fast").get(5, TimeUnit.SECONDS);

        // ~40 MB at full speed: far more than the socket buffers and the 64 KiB high-water mark.
        LiveStream stream = server.registry().find(new StreamKey("live", "fast"));
        long ts = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (stream.subscriberCount() > 1 && System.nanoTime() < deadline) {
            for (int i = 0; i < 20; i++, ts += 10) {
                pub.write(video(ts, i == 0, 100_000));
            }
            pub.flush();
            Thread.sleep(50); // pacing the publisher, not waiting for anything
        }
        assertEquals(1, stream.subscriberCount(), "the server let the slow player go");
        slowClient.channel().config().setAutoRead(true); // now it reads what was queued, then the close
        assertTrue(slow.closed.await(10, TimeUnit.SECONDS), "the slow player was disconnected");
        assertTrue(pub.isActive(), "the publisher carries on");
        assertTrue(goodClient.isActive(), "the other player carries on");
        int before = good.videos.get();
        pub.writeAndFlush(video(ts + 10, true, 1000));
        assertTrue(await(() -> good.videos.get() > before), "the other player still receives");

        // OUT counts what the sockets took: once the clients have read everything, the server's
        // figure is what they received, not what was queued for the slow player and dropped.
        pub.close();
        assertTrue(await(() -> server.load().bytesOut() == sumBytesIn(pub, slowClient, goodClient)),
                "server out " + server.load().bytesOut() + ", clients received "
                        + sumBytesIn(pub, slowClient, goodClient));
    }

    private static long sumBytesIn(RtmpClient... clients) {
        long sum = 0;
        for (RtmpClient c : clients) {
            sum += io.sluice.worker.net.Connection.of(c.channel()).bytesIn();
        }
        return sum;
    }

    @Test
    void theConnectionOverMaxConnectionsIsRefusedAfterItsHandshakeAndCounted() throws Exception {
        start(TestSettings.yaml("rtmp:\n  max_connections: 2\n"));
        RtmpClient first = connect(new ClientListener() { });
        connect(new ClientListener() { });
        Recorder third = new Recorder();
        CompletableFuture<RtmpClient> refused = RtmpClient.connect(clients, address, "live", "rtmp://127.0.0.1/live",
                third, TIMEOUT);
        assertThrows(Exception.class, () -> refused.get(5, TimeUnit.SECONDS), "closed instead of connect's _result");
        assertTrue(third.closed.await(5, TimeUnit.SECONDS));
        assertEquals(1, server.load().refused());
        assertEquals(2, server.limits().admittedCount());

        first.close();
        assertTrue(await(() -> server.limits().admittedCount() == 1));
        connect(new ClientListener() { });
        assertEquals(1, server.load().refused(), "a free place is taken again");

        server.serverShare(1); // the master's share for this worker is lower than max_connections
        Recorder fourth = new Recorder();
        CompletableFuture<RtmpClient> overShare = RtmpClient.connect(clients, address, "live",
                "rtmp://127.0.0.1/live", fourth, TIMEOUT);
        assertThrows(Exception.class, () -> overShare.get(5, TimeUnit.SECONDS));
        assertEquals(2, server.load().refused());
    }

    @Test
    void aConnectionThatNeverHandshakesIsClosedAfterTheTimeout() throws Exception {
        start(TestSettings.with(Duration.ofMillis(300), Duration.ofSeconds(10), 1 << 20, Duration.ofSeconds(10)));
        try (Socket s = new Socket()) {
            s.connect(address, 2000);
            s.setSoTimeout(3000);
            long t0 = System.nanoTime();
            assertEquals(-1, s.getInputStream().read(), "closed without a byte");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= 250 && ms < 2500, "closed after " + ms + " ms");
        }
    }

    @Test
    void anEncryptedHandshakeIsRefusedAndOthersAreUnaffected() throws Exception {
        start(io.sluice.worker.rtmp.session.SessionSettings.defaults());
        RtmpClient healthy = connect(new ClientListener() { });
        try (Socket s = new Socket()) {
            s.connect(address, 2000);
            s.setSoTimeout(3000);
            OutputStream out = s.getOutputStream();
            out.write(6); // RTMPE
            out.write(new byte[1536]);
            out.flush();
            InputStream in = s.getInputStream();
            // Closed by the server: a FIN, or a reset because our C1 was left unread.
            try {
                assertEquals(-1, in.read(), "closed");
            } catch (java.net.SocketException reset) {
                assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
            }
        }
        assertTrue(healthy.createStream().get(5, TimeUnit.SECONDS) > 0, "the other connection still works");
    }

    @Test
    void aSilentPublisherIsClosedAndItsPlayersAreToldButStay() throws Exception {
        start(TestSettings.with(Duration.ofSeconds(5), Duration.ofMillis(500), 1 << 20, Duration.ofSeconds(10)));
        RtmpClient pub = publisher("quiet");
        pub.writeAndFlush(video(0, true, 100));
        Recorder player = new Recorder();
        RtmpClient p = connect(player);
        p.play(p.createStream().get(5, TimeUnit.SECONDS), "quiet").get(5, TimeUnit.SECONDS);
        assertTrue(await(() -> !pub.isActive()), "silent publisher closed");
        assertTrue(await(() -> player.statuses.contains("NetStream.Play.UnpublishNotify")), player.statuses.toString());
        assertTrue(player.statuses.contains("NetStream.Play.UnpublishNotify"), player.statuses.toString());
        assertTrue(p.isActive(), "the player stays connected");
    }

    @Test
    void aSecondPublisherGetsBadName() throws Exception {
        start(io.sluice.worker.rtmp.session.SessionSettings.defaults());
        publisher("taken");
        RtmpClient second = connect(new ClientListener() { });
        int sid = second.createStream().get(5, TimeUnit.SECONDS);
        CompletableFuture<Map<?, ?>> refused = second.publish(sid, "taken");
        Exception e = assertThrows(Exception.class, () -> refused.get(5, TimeUnit.SECONDS));
        assertEquals("NetStream.Publish.BadName", assertInstanceOf(RtmpStatusException.class, e.getCause()).code());
    }
}
