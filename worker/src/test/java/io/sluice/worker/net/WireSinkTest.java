package io.sluice.worker.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.MessageToByteEncoder;
import io.sluice.worker.RequireIoUring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.net.Socket;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connection's {@link WireSink} writes past the pipeline only when nothing below its entry
 * point changes bytes: with a byte-transforming outbound handler there (as TLS would be), every
 * byte goes through that handler, on a real epoll socket where a direct write would be possible.
 * On io_uring the pipeline always takes the batch.
 */
@Timeout(30)
class WireSinkTest {

    private EventLoopGroup group;
    private Channel server;
    private Socket client;
    private final CompletableFuture<ChannelHandlerContext> entry = new CompletableFuture<>();

    /** Stands in for TLS: every byte it writes differs from the byte it was given. */
    private static final class Scrambler extends MessageToByteEncoder<ByteBuf> {
        @Override
        protected void encode(ChannelHandlerContext ctx, ByteBuf msg, ByteBuf out) {
            while (msg.isReadable()) {
                out.writeByte(msg.readByte() ^ 0x5A);
            }
        }
    }

    /** A server whose connections have traffic counting, {@code scrambler} if not null, and the entry handler. */
    private void start(boolean scramble) throws Exception {
        start(scramble, Transport.EPOLL);
    }

    private void start(boolean scramble, Transport transport) throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        server = new ServerBootstrap().group(group).channel(transport.serverSocket())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new TrafficCountingHandler());
                        if (scramble) {
                            ch.pipeline().addLast(new Scrambler());
                        }
                        ch.pipeline().addLast(new ChannelDuplexHandler() {
                            @Override
                            public void handlerAdded(ChannelHandlerContext ctx) {
                                entry.complete(ctx);
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        client = new Socket();
        client.connect(server.localAddress());
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close().sync();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        ChannelHandlerContext ctx = entry.get(5, TimeUnit.SECONDS);
        return ctx.executor().submit(task).get(5, TimeUnit.SECONDS);
    }

    private static ByteBuf pattern(int first, int size) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(size);
        for (int i = 0; i < size; i++) {
            b.writeByte((first + i) % 251);
        }
        return b;
    }

    private static byte[] expected(int first, int size, int xor) {
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) {
            out[i] = (byte) (((first + i) % 251) ^ xor);
        }
        return out;
    }

    private byte[] read(int n) throws Exception {
        byte[] got = new byte[n];
        new DataInputStream(client.getInputStream()).readFully(got);
        return got;
    }

    /** Writes a batch of a shared and an own buffer (1500 bytes) through a sink made at the entry. */
    private boolean[] writeBatch(ByteBuf shared, ByteBuf own) throws Exception {
        ChannelHandlerContext ctx = entry.get(5, TimeUnit.SECONDS);
        return onLoop(() -> {
            WireSink sink = WireSink.at(ctx);
            WireBatch batch = new WireBatch();
            batch.add(shared.retain());
            batch.add(own);
            boolean needsFlush = sink.write(batch);
            ctx.flush();
            return new boolean[] {sink.direct(), needsFlush};
        });
    }

    @Test
    void aByteTransformingHandlerBelowTheEntryGetsEveryByte() throws Exception {
        start(true);
        ByteBuf shared = pattern(0, 1000);
        ByteBuf own = pattern(1000, 500);
        boolean[] result = writeBatch(shared, own);
        assertFalse(result[0], "no direct writes past a handler that changes bytes");
        assertWrittenThroughThePipeline(result, expected(0, 1500, 0x5A), shared, own);
    }

    /** The batch of {@link #writeBatch} went through the pipeline: bytes, count and references. */
    private void assertWrittenThroughThePipeline(boolean[] result, byte[] expected, ByteBuf shared, ByteBuf own)
            throws Exception {
        assertTrue(result[1], "the batch went to the pipeline");
        assertArrayEquals(expected, read(expected.length), "every byte, through every handler");
        Connection connection = Connection.of(entry.get().channel());
        assertTrue(await(() -> onLoop(connection::bytesOut) == expected.length), "counted once, by the traffic handler");
        assertTrue(await(() -> onLoop(own::refCnt) == 0), "released once written");
        assertEquals(1, shared.refCnt(), "only the owner's reference is left");
        assertEquals(0, shared.readerIndex(), "a shared buffer's indices are not touched");
        shared.release();
    }

    @Test
    void withOnlyTheTrafficCounterBelowTheSameBatchGoesToTheSocketDirectly() throws Exception {
        start(false);
        ByteBuf shared = pattern(0, 1000);
        ByteBuf own = pattern(1000, 500);
        boolean[] result = writeBatch(shared, own);
        assertTrue(result[0], "direct writes allowed");
        assertFalse(result[1], "the socket took the whole batch: nothing for the pipeline");
        assertArrayEquals(expected(0, 1500, 0), read(1500));
        assertEquals(1500, onLoop(() -> Connection.of(entry.get().channel()).bytesOut()));
        assertEquals(0, own.refCnt());
        assertEquals(1, shared.refCnt());
        shared.release();
    }

    @Test
    void onIoUringTheBatchGoesThroughThePipelineWhereNettySubmitsItWithTheLoopsOtherWrites() throws Exception {
        RequireIoUring.here();
        start(false, Transport.IO_URING);
        ByteBuf shared = pattern(0, 1000);
        ByteBuf own = pattern(1000, 500);
        boolean[] result = writeBatch(shared, own);
        assertFalse(result[0], "no direct writev on io_uring: it would be a system call of its own");
        assertWrittenThroughThePipeline(result, expected(0, 1500, 0), shared, own);
    }

    @Test
    void aSinkOnAChannelThatIsNotANativeSocketNeverWritesDirectly() {
        EmbeddedChannel ch = new EmbeddedChannel(new TrafficCountingHandler(), new ChannelDuplexHandler());
        WireSink sink = WireSink.at(ch.pipeline().lastContext());
        assertFalse(sink.direct());
        ByteBuf own = pattern(0, 10);
        WireBatch batch = new WireBatch();
        batch.add(own);
        assertTrue(sink.write(batch));
        ch.flush();
        ByteBuf out = ch.readOutbound();
        assertArrayEquals(expected(0, 10, 0), io.netty.buffer.ByteBufUtil.getBytes(out));
        out.release();
        assertFalse(ch.finish());
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    /** Polls {@code check} for up to 5 s; whether it held. */
    private static boolean await(Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
