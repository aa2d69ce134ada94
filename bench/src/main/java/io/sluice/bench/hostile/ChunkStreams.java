package io.sluice.bench.hostile;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;

/**
 * Thousands of chunk stream ids on one connection: after the handshake, a message started and
 * left unfinished (one full chunk of a {@code chunkSize + 1}-byte video message) on each of
 * {@code streams} chunk streams from id 3 on, {@code perBatch} streams every 10 ms; then leave
 * after {@code holdMillis}; again and again.
 */
record ChunkStreams(int connections, int perSecond, int streams, int perBatch, int holdMillis, int total)
        implements Attack {

    /** The chunk size every connection starts with; no Set Chunk Size is sent. */
    private static final int CHUNK_SIZE = 128;

    static ChunkStreams of(Params p) {
        return new ChunkStreams(p.integer("connections", 20), p.integer("per-second", 20), p.integer("streams", 5000),
                p.integer("per-batch", 500), p.integer("hold-ms", 3000), p.integer("total", 500));
    }

    @Override
    public String kind() {
        return "chunk-streams";
    }

    @Override
    public String description() {
        return String.format("%d connections at a time (%d new/s, %d in all): handshake, then an unfinished message on "
                + "each of %d chunk stream ids; leave %d ms later", connections, perSecond, total, streams, holdMillis);
    }

    @Override
    public Swarm swarm(Target target) {
        int batches = (streams + perBatch - 1) / perBatch;
        ByteBuf[] batch = new ByteBuf[batches];
        for (int i = 0; i < batches; i++) {
            int count = Math.min(perBatch, streams - i * perBatch);
            batch[i] = Unpooled.unreleasableBuffer(Wire.openChunkStreams(3 + i * perBatch, count, CHUNK_SIZE,
                    CHUNK_SIZE + 1));
        }
        return new Swarm(target, connections, perSecond, total, (swarm, n) -> swarm.raw(true, () -> new Script(true) {
            private int next;

            @Override
            protected void begin(ChannelHandlerContext ctx) {
                every(ctx, 10, () -> {
                    if (next < batch.length) {
                        ctx.writeAndFlush(batch[next++].duplicate());
                        if (next == batch.length) {
                            closeAfter(ctx, holdMillis);
                        }
                    }
                });
            }
        }));
    }
}
