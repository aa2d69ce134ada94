package io.sluice.worker.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.sluice.worker.RequireIoUring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OUT on a real socket whose peer does not read: only what the kernel took counts, never what
 * waits in Netty's queue, and what is still queued when the connection closes never counts. On
 * both transports: the fan-out writes through the pipeline on io_uring, directly on epoll.
 */
@Timeout(30)
class TrafficCountingSocketTest {

    private static final int BUFFERS = 64;
    private static final int BUFFER = 256 * 1024;
    private static final long HANDED = (long) BUFFERS * BUFFER; // 16 MiB
    /** Socket buffers as set below (the kernel doubles them); far under what is handed over. */
    private static final int SOCKET_BUFFER = 64 * 1024;

    private final CompletableFuture<Channel> accepted = new CompletableFuture<>();
    /** Outcomes of the writes made with a promise of their own (null: succeeded). */
    private final List<Throwable> ownPromises = new CopyOnWriteArrayList<>();
    private EventLoopGroup group;
    private Channel listener;

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private InetSocketAddress listen(Transport transport) throws InterruptedException {
        if (transport == Transport.IO_URING) {
            RequireIoUring.here();
        }
        group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        listener = new ServerBootstrap().group(group).channel(transport.serverSocket())
                .childOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                // Nothing counts as too much queued: everything handed over stays queued.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 29, 1 << 30))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new TrafficCountingHandler(), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                for (int i = 0; i < BUFFERS; i++) {
                                    var buf = Unpooled.directBuffer(BUFFER).writeZero(BUFFER);
                                    if (i % 16 == 5) {
                                        // Now and then a writer that waits for its write, among the void ones.
                                        ChannelFuture own = ctx.write(buf);
                                        own.addListener(f -> ownPromises.add(f.isSuccess() ? null : f.cause()));
                                    } else {
                                        ctx.write(buf, ctx.voidPromise());
                                    }
                                }
                                ctx.flush();
                                accepted.complete(ctx.channel());
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        return (InetSocketAddress) listener.localAddress();
    }

    /** OUT and the bytes still queued in Netty, read together on the channel's loop. */
    private static long[] outAndQueued(Channel ch) throws Exception {
        return ch.eventLoop().submit(() -> {
            var queue = ch.unsafe().outboundBuffer();
            return new long[] {Connection.of(ch).bytesOut(), queue == null ? 0 : queue.totalPendingWriteBytes()};
        }).get(5, TimeUnit.SECONDS);
    }

    private static boolean await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aPeerThatDoesNotReadShowsOnlyWhatTheKernelTookThenEverythingOnceItReads(Transport transport) throws Exception {
        InetSocketAddress address = listen(transport);
        try (Socket peer = new Socket()) {
            peer.setReceiveBufferSize(SOCKET_BUFFER);
            peer.connect(address, 2000);
            Channel ch = accepted.get(5, TimeUnit.SECONDS);
            // The kernel's buffers fill within moments; then nothing moves until the peer reads.
            assertTrue(await(() -> Connection.of(ch).bytesOut() > 0));
            long[] stalled = outAndQueued(ch);
            // Netty's queue size still includes the part of its head buffer the socket took.
            assertTrue(stalled[0] + stalled[1] >= HANDED, "every byte is counted or still queued");
            assertTrue(stalled[1] > HANDED - (4 << 20), "most of it is still queued: " + stalled[1]);
            assertTrue(stalled[0] < 2 << 20, "OUT is what the socket buffers hold, not the 16 MiB handed over: "
                    + stalled[0]);

            InputStream in = peer.getInputStream();
            byte[] chunk = new byte[64 * 1024];
            long read = 0;
            while (read < HANDED) {
                int n = in.read(chunk);
                assertTrue(n > 0, "the server sends everything");
                read += n;
            }
            assertTrue(await(() -> Connection.of(ch).bytesOut() == HANDED), "all of it once the peer read it: "
                    + Connection.of(ch).bytesOut());
            assertTrue(await(() -> ownPromises.size() == 4), "the writers that wait are told");
            assertEquals(List.of(), ownPromises.stream().filter(t -> t != null).toList(), "and told of success");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void whatIsStillQueuedWhenTheConnectionClosesIsNeverCounted(Transport transport) throws Exception {
        InetSocketAddress address = listen(transport);
        try (Socket peer = new Socket()) {
            peer.setReceiveBufferSize(SOCKET_BUFFER);
            peer.connect(address, 2000);
            Channel ch = accepted.get(5, TimeUnit.SECONDS);
            assertTrue(await(() -> Connection.of(ch).bytesOut() > 0));
            long before = outAndQueued(ch)[0];
            ch.close().sync(); // as slow_timeout does: the queue is dropped
            long after = Connection.of(ch).bytesOut();
            assertEquals(before, after, "the dropped queue added nothing");
            assertTrue(after < HANDED / 8, "OUT " + after + " of " + HANDED + " handed over");
            assertTrue(await(() -> ownPromises.size() == 4), "the writers that wait are told");
            assertTrue(ownPromises.stream().anyMatch(t -> t != null), "that the dropped writes failed");
        }
    }
}
