package io.sluice.bench.hostile;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;

/**
 * Acknowledgement floods: after the handshake and a {@code connect}, a stream of protocol control
 * messages, Acknowledgement and Window Acknowledgement Size by turns, {@code perSecond} per
 * connection in a write every 10 ms. The window announced is {@code window} bytes: 1 asks the
 * server to acknowledge everything it reads.
 */
record AckFlood(int connections, int perSecondEach, long window, int total) implements Attack {

    static AckFlood of(Params p) {
        return new AckFlood(p.integer("connections", 10), p.integer("messages-per-second", 20000),
                p.integer("window", 1), p.integer("total", 100));
    }

    @Override
    public String kind() {
        return "ack-flood";
    }

    @Override
    public String description() {
        return String.format("%d connections (%d in all): handshake, connect, then %d control messages/s each "
                + "(Acknowledgement and Window Ack Size %d by turns)", connections, total, perSecondEach, window);
    }

    @Override
    public Swarm swarm(Target target) {
        int perTick = Math.max(2, perSecondEach / 100);
        ByteBuf batch = Unpooled.buffer();
        for (int i = 0; i < perTick; i++) {
            ByteBuf m = i % 2 == 0 ? Wire.control(Wire.ACKNOWLEDGEMENT, 1000L * i) : Wire.control(Wire.WINDOW_ACK_SIZE, window);
            batch.writeBytes(m);
            m.release();
        }
        ByteBuf shared = Unpooled.unreleasableBuffer(batch);
        return new Swarm(target, connections, connections, total, (swarm, n) -> swarm.raw(true, () -> new Script(true) {
            @Override
            protected void begin(ChannelHandlerContext ctx) {
                ctx.writeAndFlush(Wire.connect(128, target.app(), target.tcUrl()));
                every(ctx, 10, () -> ctx.writeAndFlush(shared.duplicate()));
            }
        }));
    }
}
