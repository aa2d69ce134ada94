package io.sluice.worker.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OUT where Netty completes queued buffers without reporting progress (the embedded channel
 * "sends" each whole): the shared promise of the void writes still counts each buffer once, in
 * order, beside writes that bring a promise of their own.
 */
class TrafficCountingHandlerTest {

    @Test
    void voidAndOwnPromiseWritesAreEachCountedOnceWhenSent() {
        List<Throwable> errors = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new TrafficCountingHandler(), new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.add(cause);
            }
        });
        // 50 rounds queued before one flush: the counter's ring of sizes grows past its first 8.
        List<ChannelFuture> own = new ArrayList<>();
        for (int round = 0; round < 50; round++) {
            writeRound(ch, own);
        }
        assertEquals(0, Connection.of(ch).bytesOut(), "nothing counts before the flush");
        ch.flush();
        assertEquals(50 * 1107L, Connection.of(ch).bytesOut());
        // Then one round per flush: the ring's head goes round past its end.
        for (int round = 0; round < 150; round++) {
            writeRound(ch, own);
            assertEquals((50 + round) * 1107L, Connection.of(ch).bytesOut(), "nothing counts before the flush");
            ch.flush();
            assertEquals((51 + round) * 1107L, Connection.of(ch).bytesOut());
        }
        assertTrue(own.stream().allMatch(ChannelFuture::isSuccess), "the writers that wait are told");
        long sent = 0;
        for (ByteBuf b; (b = ch.readOutbound()) != null; b.release()) {
            sent += b.readableBytes();
        }
        assertEquals(sent, Connection.of(ch).bytesOut(), "OUT is what went out");
        assertEquals(List.of(), errors);
        ch.finishAndReleaseAll();
    }

    /** 100 + 7 + 0 + 1000 bytes, the 7 with a promise of their own. */
    private static void writeRound(EmbeddedChannel ch, List<ChannelFuture> own) {
        ch.write(Unpooled.buffer(100).writeZero(100), ch.voidPromise());
        own.add(ch.write(Unpooled.buffer(7).writeZero(7)));
        ch.write(Unpooled.EMPTY_BUFFER, ch.voidPromise()); // nothing to count
        ch.write(Unpooled.buffer(1000).writeZero(1000), ch.voidPromise());
    }

    @Test
    void aVoidWriteOnAClosedChannelCountsNothing() {
        EmbeddedChannel ch = new EmbeddedChannel(new TrafficCountingHandler());
        ch.writeAndFlush(Unpooled.buffer(10).writeZero(10), ch.voidPromise());
        ch.close();
        ch.writeAndFlush(Unpooled.buffer(10).writeZero(10), ch.voidPromise());
        assertEquals(10, Connection.of(ch).bytesOut());
        ch.finishAndReleaseAll();
    }
}
