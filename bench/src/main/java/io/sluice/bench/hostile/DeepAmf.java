package io.sluice.bench.hostile;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;

/**
 * Deep AMF: after the handshake, a {@code connect} whose command object nests {@code depth}
 * objects deep (7 bytes a level: 8000 levels are 56 KB, under a 64 KiB command limit, so the
 * parser itself is what is tested), then leave after {@code holdMillis}; again and again.
 */
record DeepAmf(int connections, int perSecond, int depth, int holdMillis, int total) implements Attack {

    static DeepAmf of(Params p) {
        return new DeepAmf(p.integer("connections", 20), p.integer("per-second", 50), p.integer("depth", 8000),
                p.integer("hold-ms", 2000), p.integer("total", 2000));
    }

    @Override
    public String kind() {
        return "deep-amf";
    }

    @Override
    public String description() {
        return String.format("%d connections at a time (%d new/s, %d in all): handshake, then a connect whose command "
                + "object nests %d objects deep; leave after %d ms", connections, perSecond, total, depth, holdMillis);
    }

    @Override
    public Swarm swarm(Target target) {
        ByteBuf message = Unpooled.unreleasableBuffer(Wire.deepConnect(128, depth));
        return new Swarm(target, connections, perSecond, total, (swarm, n) -> swarm.raw(true, () -> new Script(true) {
            @Override
            protected void begin(ChannelHandlerContext ctx) {
                ctx.writeAndFlush(message.duplicate());
                closeAfter(ctx, holdMillis);
            }
        }));
    }
}
