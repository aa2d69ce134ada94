package io.sluice.worker.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Direct writes on a real epoll socket: all of a batch when the socket takes it, the rest through
 * the pipeline in order when it does not, bytes counted once, buffers released, shared buffers
 * untouched.
 */
@Timeout(30)
class WireBatchTest {

    private EventLoopGroup group;
    private Channel server;
    private final CompletableFuture<ChannelHandlerContext> wire = new CompletableFuture<>();
    private Socket client;

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.SO_SNDBUF, 8192)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new TrafficCountingHandler(), new ChannelDuplexHandler() {
                            @Override
                            public void handlerAdded(ChannelHandlerContext ctx) {
                                wire.complete(ctx);
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        client = new Socket();
        client.setReceiveBufferSize(8192);
        client.connect(server.localAddress());
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** A direct buffer of {@code size} bytes counting up from {@code first} (mod 251). */
    private static ByteBuf pattern(int first, int size) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(size);
        for (int i = 0; i < size; i++) {
            b.writeByte((first + i) % 251);
        }
        return b;
    }

    private static byte[] expected(int first, int size) {
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) {
            out[i] = (byte) ((first + i) % 251);
        }
        return out;
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> task) throws Exception {
        ChannelHandlerContext ctx = wire.get(5, TimeUnit.SECONDS);
        return ctx.executor().submit(task).get(5, TimeUnit.SECONDS);
    }

    private byte[] read(int n) throws Exception {
        byte[] got = new byte[n];
        new DataInputStream(client.getInputStream()).readFully(got);
        return got;
    }

    @Test
    void aBatchTheSocketTakesIsWrittenWholeWithoutThePipeline() throws Exception {
        ChannelHandlerContext ctx = wire.get(5, TimeUnit.SECONDS);
        Connection connection = Connection.of(ctx.channel());
        ByteBuf shared = pattern(0, 1000);
        ByteBuf own = pattern(1000, 500);
        boolean needsFlush = onLoop(() -> {
            WireBatch batch = new WireBatch();
            batch.add(shared.retain());
            batch.add(own);
            return WireSink.at(ctx).write(batch);
        });
        assertFalse(needsFlush, "nothing left for the pipeline");
        assertArrayEquals(expected(0, 1500), read(1500));
        assertEquals(1500, connection.bytesOut());
        assertEquals(0, own.refCnt(), "released once written");
        assertEquals(1, shared.refCnt(), "our reference released, the owner's kept");
        assertEquals(0, shared.readerIndex(), "a shared buffer's indices are not touched");
        shared.release();
    }

    @Test
    void whatTheSocketDoesNotTakeFollowsThroughThePipelineInOrder() throws Exception {
        ChannelHandlerContext ctx = wire.get(5, TimeUnit.SECONDS);
        Connection connection = Connection.of(ctx.channel());
        int size = 64 * 1024;
        int buffers = 16; // 1 MiB: far beyond the 8 KiB send and receive buffers
        ByteBuf shared = pattern(0, size);
        List<ByteBuf> own = new ArrayList<>();
        boolean[] flushes = onLoop(() -> {
            WireBatch batch = new WireBatch();
            batch.add(shared.retain());
            for (int i = 1; i < buffers / 2; i++) {
                ByteBuf b = pattern(i * size, size);
                own.add(b);
                batch.add(b);
            }
            boolean first = WireSink.at(ctx).write(batch);
            ctx.flush();
            // A second batch finds data queued in the channel and must stay behind it.
            for (int i = buffers / 2; i < buffers; i++) {
                ByteBuf b = pattern(i * size, size);
                own.add(b);
                batch.add(b);
            }
            boolean second = WireSink.at(ctx).write(batch);
            ctx.flush();
            return new boolean[] {first, second};
        });
        assertTrue(flushes[0], "the socket took part of the first batch, the pipeline the rest");
        assertTrue(flushes[1], "the second batch went through the pipeline");
        assertArrayEquals(expected(0, size * buffers), read(size * buffers), "every byte, in order");
        long counted = onLoop(connection::bytesOut);
        assertEquals((long) size * buffers, counted, "each byte counted once (direct + traffic handler)");
        onLoop(() -> null); // the loop has released what it wrote
        for (ByteBuf b : own) {
            assertEquals(0, b.refCnt());
        }
        assertEquals(1, shared.refCnt());
        assertEquals(0, shared.readerIndex());
        assertEquals(size, shared.readableBytes());
        shared.release();
    }

    @Test
    void aWriteToAResetConnectionGoesToThePipelineWhichClosesItAndReleasesEverything() throws Exception {
        ChannelHandlerContext ctx = wire.get(5, TimeUnit.SECONDS);
        Connection connection = Connection.of(ctx.channel());
        client.setSoLinger(true, 0);
        ByteBuf shared = pattern(0, 1000);
        ByteBuf own = pattern(1000, 1000);
        onLoop(() -> {
            // Reset and write in one task, so Netty has not seen the reset yet: writev fails
            // (ECONNRESET or EPIPE) and the batch goes to the pipeline.
            client.close();
            WireBatch batch = new WireBatch();
            batch.add(shared.retain());
            batch.add(own);
            // (On loopback the reset lands during close(), so writev fails here; were it late,
            // the write would succeed and Netty would see the reset next: closed either way.)
            if (WireSink.at(ctx).write(batch)) {
                ctx.flush();
            }
            return null;
        });
        ctx.channel().closeFuture().await(5, TimeUnit.SECONDS);
        assertFalse(ctx.channel().isActive(), "closed by Netty's write path");
        onLoop(() -> null);
        assertEquals(0, own.refCnt());
        assertEquals(1, shared.refCnt(), "only the owner's reference is left");
        shared.release();
    }

    @Test
    void aDiscardedBatchReleasesItsBuffers() throws Exception {
        ByteBuf b = pattern(0, 100);
        onLoop(() -> {
            WireBatch batch = new WireBatch();
            batch.add(b);
            batch.discard();
            return null;
        });
        assertEquals(0, b.refCnt());
    }
}
