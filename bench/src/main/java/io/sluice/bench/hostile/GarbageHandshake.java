package io.sluice.bench.hostile;

import io.netty.channel.ChannelHandlerContext;

import java.util.Random;

/**
 * Garbage instead of a handshake: connect, send random bytes whose first (version) byte is not
 * RTMP's, and go after {@code holdMillis} unless the server closed first; again and again.
 */
record GarbageHandshake(int connections, int perSecond, int bytes, int holdMillis, int total) implements Attack {

    static GarbageHandshake of(Params p) {
        return new GarbageHandshake(p.integer("connections", 100), p.integer("per-second", 200),
                p.integer("bytes", 1537), p.integer("hold-ms", 1000), p.integer("total", 5000));
    }

    @Override
    public String kind() {
        return "garbage-handshake";
    }

    @Override
    public String description() {
        return String.format("%d connections at a time (%d new/s, %d in all), each sends %d random bytes "
                + "(not version 3) and leaves after %d ms", connections, perSecond, total, bytes, holdMillis);
    }

    @Override
    public Swarm swarm(Target target) {
        Random random = new Random(1);
        return new Swarm(target, connections, perSecond, total, (swarm, n) -> swarm.raw(false, () -> new Script(false) {
            @Override
            protected void begin(ChannelHandlerContext ctx) {
                ctx.writeAndFlush(Wire.garbage(new Random(random.nextLong()), bytes));
                closeAfter(ctx, holdMillis);
            }
        }));
    }
}
