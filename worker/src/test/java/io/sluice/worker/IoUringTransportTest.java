package io.sluice.worker;

import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Limits;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.sluice.common.config.TransportChoice;
import io.sluice.worker.net.Transport;
import io.sluice.worker.rtmp.client.ClientListener;
import io.sluice.worker.rtmp.client.RtmpClient;
import io.sluice.worker.rtmp.message.MediaMessage;
import io.sluice.worker.rtmp.message.VideoData;
import io.sluice.worker.rtmp.server.RtmpListener;
import io.sluice.worker.rtmp.session.SessionSettings;
import io.sluice.worker.runtime.WorkerRuntime;
import io.sluice.worker.stream.GopSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code worker.transport}: what each choice gives, and a worker runtime on io_uring serving a
 * publisher on epoll and players on io_uring over TCP and over the relay endpoint's Unix socket.
 * Needs a kernel with io_uring; without one the test is skipped, except under {@code CI=true}.
 */
@Timeout(30)
class IoUringTransportTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private EventLoopGroup group(io.netty.channel.IoHandlerFactory factory) {
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, factory);
        open.add(() -> g.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        return g;
    }

    @Test
    void epollIsEpollAndAutoAndIoUringAreIoUringWhereTheKernelAllows() {
        assertEquals(Transport.ioUringAvailable() ? Transport.IO_URING : Transport.EPOLL,
                Transport.choose(TransportChoice.AUTO));
        assertEquals(Transport.EPOLL, Transport.choose(TransportChoice.EPOLL));
        assertEquals(Transport.ioUringAvailable() ? Transport.IO_URING : Transport.EPOLL,
                Transport.choose(TransportChoice.IO_URING));
        assertEquals(Transport.EPOLL, Transport.of(group(EpollIoHandler.newFactory())));
        assertEquals("io_uring", Transport.IO_URING.toString());
    }

    /**
     * Netty's shared {@code writev} vector array must be "full" where it starts refusing entries
     * (IOV_MAX), or every write of a loop turn after the first 1024 vectors is an empty
     * {@code writev} resubmitted at once (see {@code Transport.IOVEC_PROPERTY}). Read back from
     * Netty's {@code IoUring}, so it fails if anything loads that class before {@code Transport}.
     */
    @Test
    void ioUringsSharedVectorArrayHoldsOneWritev() throws Exception {
        RequireIoUring.here(); // asks through Transport, so its settings are in place
        java.lang.reflect.Field vectors = IoUring.class.getDeclaredField("NUM_ELEMENTS_IOVEC");
        vectors.setAccessible(true);
        assertEquals(Limits.IOV_MAX, vectors.getInt(null));
    }

    @Test
    void aRuntimeOnIoUringServesTcpAndRelayPlayers(@TempDir Path dir) throws Exception {
        RequireIoUring.here();
        WorkerRuntime server = new WorkerRuntime(1, Transport.IO_URING, new GopSettings(true, 2048, 32 << 20), 0, 0);
        open.add(server);
        RtmpListener rtmp = new RtmpListener(server, SessionSettings.defaults());
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", rtmp.bind("127.0.0.1", 0).getPort());
        Path relaySocket = dir.resolve("relay.sock");
        rtmp.bindRelayEndpoint(relaySocket);

        EventLoopGroup uring = group(Transport.IO_URING.ioHandlerFactory());
        assertEquals(Transport.IO_URING, Transport.of(uring));
        RtmpClient publisher = connect(group(EpollIoHandler.newFactory()), address);
        publisher.publish(publisher.createStream().get(5, TimeUnit.SECONDS), "cam").get(5, TimeUnit.SECONDS);
        publisher.write(new VideoData(0, 1, Unpooled.wrappedBuffer(new byte[] {0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f})));
        publisher.writeAndFlush(new VideoData(0, 1, Unpooled.wrappedBuffer(new byte[] {0x17, 1, 0, 0, 0, 0, 0, 0, 1, 0x65})));

        for (SocketAddress to : List.of(address, new DomainSocketAddress(relaySocket.toString()))) {
            CountDownLatch keyframes = new CountDownLatch(2);
            RtmpClient player = RtmpClient.connect(uring, to, "live", "rtmp://127.0.0.1/live", new ClientListener() {
                @Override
                public void onMedia(MediaMessage media) {
                    if (media instanceof VideoData && (media.payload().getByte(media.payload().readerIndex()) & 0xf0) == 0x10) {
                        keyframes.countDown();
                    }
                }
            }, TIMEOUT).get(5, TimeUnit.SECONDS);
            open.add(player::close);
            Class<?> expected = to instanceof DomainSocketAddress ? IoUringDomainSocketChannel.class
                    : IoUringSocketChannel.class;
            assertEquals(expected, player.channel().getClass());
            player.play(player.createStream().get(5, TimeUnit.SECONDS), "cam").get(5, TimeUnit.SECONDS);
            publisher.writeAndFlush(new VideoData(40, 1,
                    Unpooled.wrappedBuffer(new byte[] {0x17, 1, 0, 0, 0, 0, 0, 0, 1, 0x65})));
            assertTrue(keyframes.await(5, TimeUnit.SECONDS), "the player on " + to + " gets the GOP cache and live frames");
        }
    }

    private RtmpClient connect(EventLoopGroup group, SocketAddress to) throws Exception {
        RtmpClient c = RtmpClient.connect(group, to, "live", "rtmp://127.0.0.1/live", new ClientListener() { }, TIMEOUT)
                .get(5, TimeUnit.SECONDS);
        open.add(c::close);
        return c;
    }
}
