package io.sluice.bench.hostile;

import io.netty.channel.ChannelHandlerContext;

import java.util.Random;

/**
 * Garbage after a valid handshake: random bytes where the first chunk header should be, as
 * much as {@code bytes} in one write, then leave after {@code holdMillis} unless the server
 * closed first; again and again.
 */
record GarbageAfterHandshake(int connections, int perSecond, int bytes, int holdMillis, int total)
        implements Attack {

    static GarbageAfterHandshake of(Params p) {
        return new GarbageAfterHandshake(p.integer("connections", 50), p.integer("per-second", 100),
                p.integer("bytes", 65536), p.integer("hold-ms", 1000), p.integer("total", 3000));
    }

    @Override
    public String kind() {
        return "garbage-after-handshake";
    }

    @Override
    public String description() {
        return String.format("%d connections at a time (%d new/s, %d in all), each completes the handshake, "
                + "sends %d random bytes and leaves after %d ms", connections, perSecond, total, bytes, holdMillis);
    }

    @Override
    public Swarm swarm(Target target) {
        Random seeds = new Random(2);
        return new Swarm(target, connections, perSecond, total, (swarm, n) -> swarm.raw(true, () -> new Script(true) {
            @Override
            protected void begin(ChannelHandlerContext ctx) {
                ctx.writeAndFlush(Wire.noise(new Random(seeds.nextLong()), bytes));
                closeAfter(ctx, holdMillis);
            }
        }));
    }
}
