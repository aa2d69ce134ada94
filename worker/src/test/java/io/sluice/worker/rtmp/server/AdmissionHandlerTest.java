package io.sluice.worker.rtmp.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.worker.net.ConnectionLimits;
import io.sluice.worker.rtmp.handshake.HandshakeCompleted;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A connection is admitted or refused when its handshake completes. */
class AdmissionHandlerTest {

    private final ConnectionLimits limits = new ConnectionLimits(1, 0);

    /** What reached the handlers after admission. */
    private static final class Behind extends ChannelInboundHandlerAdapter {
        final List<Object> events = new ArrayList<>();
        final List<Object> reads = new ArrayList<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            reads.add(msg);
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    @Test
    void anAdmittedConnectionPassesOnAndCountsUntilItCloses() {
        Behind behind = new Behind();
        EmbeddedChannel ch = new EmbeddedChannel(new AdmissionHandler(limits), behind);
        ch.pipeline().fireUserEventTriggered(new HandshakeCompleted(false));
        assertEquals(1, behind.events.size(), "the session learns the handshake is done");
        assertNull(ch.pipeline().get(AdmissionHandler.class), "removed once admitted");
        assertEquals(1, limits.admittedCount());
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {3}));
        assertEquals(1, behind.reads.size());
        ch.close();
        assertEquals(0, limits.admittedCount());
        assertFalse(ch.finish());
    }

    @Test
    void theConnectionOverTheLimitIsClosedAfterItsHandshake() {
        EmbeddedChannel first = new EmbeddedChannel(new AdmissionHandler(limits), new Behind());
        first.pipeline().fireUserEventTriggered(new HandshakeCompleted(false));
        Behind behind = new Behind();
        EmbeddedChannel second = new EmbeddedChannel(new AdmissionHandler(limits), behind);
        assertTrue(second.isOpen(), "open during its handshake");
        second.pipeline().fireUserEventTriggered(new HandshakeCompleted(false));
        assertFalse(second.isOpen());
        assertEquals(List.of(), behind.events, "no session starts");
        assertEquals(1, limits.refusedCount());
        assertEquals(1, limits.admittedCount(), "the refused connection never counted");
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
    }

    @Test
    void whatARefusedConnectionSentAfterC2IsDropped() {
        // On epoll the pipeline outlives close() until the task ends, and the handshake handler
        // passes on the bytes after C2 in that task; here a handler in front keeps the close
        // from tearing the pipeline down at once, as EmbeddedChannel would.
        limits.admit(null);
        Behind behind = new Behind();
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
                promise.setSuccess(); // held back
            }
        }, new AdmissionHandler(limits), behind);
        ch.pipeline().fireUserEventTriggered(new HandshakeCompleted(false));
        ByteBuf late = Unpooled.wrappedBuffer(new byte[] {3, 0, 0});
        ch.writeInbound(late);
        assertEquals(0, late.refCnt(), "released, not passed on");
        assertEquals(List.of(), behind.reads);
        assertFalse(ch.finish());
    }
}
