package io.sluice.bench.hostile;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;

/**
 * 1-byte chunks: after the handshake, Set Chunk Size 1, then an ordinary publisher's flow
 * ({@code connect}, {@code createStream}, {@code publish hostile-1b-N}) and video at an
 * ordinary rate ({@code mediaBytes} × {@code fps}, 1 Mbit/s by default), every message cut into
 * 1-byte chunks: a chunk header per payload byte. The chunks go out in one write per message
 * (a write per byte would only measure the generator's system calls).
 */
record OneByteChunks(int connections, int perSecond, int mediaBytes, int fps, int total) implements Attack {

    static OneByteChunks of(Params p) {
        return new OneByteChunks(p.integer("connections", 10), p.integer("per-second", 10),
                p.integer("media-bytes", 4096), p.integer("fps", 30), p.integer("total", 200));
    }

    @Override
    public String kind() {
        return "one-byte-chunks";
    }

    @Override
    public String description() {
        return String.format("%d publishers (%d new/s, %d in all): Set Chunk Size 1, connect, createStream, publish, "
                + "then %d-byte video messages at %d/s, all in 1-byte chunks", connections, perSecond, total, mediaBytes, fps);
    }

    @Override
    public Swarm swarm(Target target) {
        long interval = Math.max(1, 1000 / fps);
        ByteBuf first = Unpooled.unreleasableBuffer(
                Wire.message(Wire.MEDIA_CSID, 0, Wire.VIDEO, 1, Wire.videoBody(mediaBytes), 1));
        ByteBuf next = Unpooled.unreleasableBuffer(
                Wire.nextMessage(Wire.MEDIA_CSID, interval, Wire.VIDEO, Wire.videoBody(mediaBytes), 1));
        return new Swarm(target, connections, perSecond, total, (swarm, n) -> swarm.raw(true, () -> new Script(true) {
            private boolean started;

            @Override
            protected void begin(ChannelHandlerContext ctx) {
                // Set Chunk Size in a read of its own: nginx-rtmp re-cuts the bytes it already holds
                // when the chunk size changes and misreads what followed in the same read.
                ctx.writeAndFlush(Wire.setChunkSize(1));
                later(ctx, 100, () -> {
                    ctx.write(Wire.connect(1, target.app(), target.tcUrl()));
                    ctx.write(Wire.command(1, 0, "createStream", 2, null));
                    // The first createStream of a connection gets message stream 1 from every server we run.
                    ctx.writeAndFlush(Wire.command(1, 1, "publish", 0, null, "hostile-1b-" + n, "live"));
                    every(ctx, interval, () -> {
                        ctx.writeAndFlush(started ? next.duplicate() : first.duplicate());
                        started = true;
                    });
                });
            }
        }));
    }
}
