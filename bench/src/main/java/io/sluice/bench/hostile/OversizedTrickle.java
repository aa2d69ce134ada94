package io.sluice.bench.hostile;

import io.netty.channel.ChannelHandlerContext;

/**
 * The attack of issue 11: after the handshake, and with nothing connected or published, Set
 * Chunk Size {@code chunkSize} (1 MiB), a type-0 header announcing a {@code messageBytes}
 * (16 MiB − 1, the most a header can say) video message, then its body trickled at {@code bytesPerSecond} per connection, in
 * ten writes a second, and never finished (it stops one byte short). A connection the server
 * closes is replaced.
 */
record OversizedTrickle(int connections, int perSecond, int chunkSize, int messageBytes, int bytesPerSecond,
                        int total) implements Attack {

    static OversizedTrickle of(Params p) {
        OversizedTrickle a = new OversizedTrickle(p.integer("connections", 200), p.integer("per-second", 200),
                p.integer("chunk-size", 1 << 20), p.integer("message-bytes", Wire.MAX_MESSAGE_LENGTH),
                p.integer("bytes-per-second", 128 << 10), p.integer("total", 2000));
        if (a.messageBytes < 2 || a.messageBytes > Wire.MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("oversized-trickle.message-bytes must be 2.."
                    + Wire.MAX_MESSAGE_LENGTH);
        }
        return a;
    }

    @Override
    public String kind() {
        return "oversized-trickle";
    }

    @Override
    public String description() {
        return String.format("%d connections (%d new/s, %d in all): handshake, Set Chunk Size %d, a %d-byte video "
                        + "message announced, its body trickled at %d KiB/s each and never finished",
                connections, perSecond, total, chunkSize, messageBytes, bytesPerSecond >> 10);
    }

    @Override
    public Swarm swarm(Target target) {
        int perTick = Math.max(1, bytesPerSecond / 10);
        return new Swarm(target, connections, perSecond, total, (swarm, n) -> swarm.raw(true, () -> new Script(true) {
            private long offset;

            @Override
            protected void begin(ChannelHandlerContext ctx) {
                ctx.write(Wire.setChunkSize(chunkSize));
                ctx.writeAndFlush(Wire.header(Wire.MEDIA_CSID, messageBytes, Wire.VIDEO, 1));
                every(ctx, 100, () -> {
                    int n = (int) Math.min(perTick, messageBytes - 1 - offset);
                    if (n > 0) {
                        ctx.writeAndFlush(Wire.bodySlice(offset, n, chunkSize, Wire.MEDIA_CSID));
                        offset += n;
                    }
                });
            }
        }));
    }
}
