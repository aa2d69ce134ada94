package io.sluice.worker.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * What a player writes between two flushes, in order: media gathered in a {@link WireBatch} (one
 * {@code writev} at the flush when its {@link WireSink} allows) and anything else written into the
 * pipeline. Once something went into the pipeline, media joins it there until the flush, so
 * nothing overtakes what was written before it. Shared by every protocol's player; on the
 * connection's event loop.
 */
public final class PlayerWrites {

    private final ChannelHandlerContext ctx;
    private final WireSink sink;
    private final WireBatch batch = new WireBatch();
    private boolean dirty;
    /** Something was written to the pipeline since the last flush (media then joins it there). */
    private boolean pipelineDirty;

    public PlayerWrites(ChannelHandlerContext ctx, WireSink sink) {
        this.ctx = ctx;
        this.sink = sink;
    }

    /** A frame's shared encoding: this takes a reference of its own. */
    public void shared(ByteBuf shared) {
        if (pipelineDirty || !batch.hasRoom()) {
            // Behind something already in the pipeline: stay behind it.
            sink.write(shared.retainedDuplicate());
            pipelineDirty = true;
        } else {
            // Written at the flush, with one writev when the sink may and the channel has nothing queued.
            batch.add(shared.retain());
        }
        dirty = true;
    }

    /** Media bytes of this player's own: this takes over the reference. */
    public void owned(ByteBuf owned) {
        if (pipelineDirty || !batch.hasRoom()) {
            sink.write(owned);
            pipelineDirty = true;
        } else {
            batch.add(owned);
        }
        dirty = true;
    }

    /** A message for the handlers above the sink (an encoder turns it into bytes), after the media so far. */
    public void message(Object message) {
        sink.toPipeline(batch);
        ctx.write(message, ctx.voidPromise());
        wrotePipeline();
    }

    /** Bytes for the sink's level of the pipeline, after the media so far; takes over the reference. */
    public void bytes(ByteBuf bytes) {
        sink.toPipeline(batch);
        sink.write(bytes);
        wrotePipeline();
    }

    /** The caller wrote into the pipeline itself (nothing of the batch may go before it). */
    public void wrotePipeline() {
        pipelineDirty = true;
        dirty = true;
    }

    /**
     * Writes what was given since the last flush and flushes the pipeline if it was used; drops it
     * instead when {@code active} is false or the channel closed.
     */
    public void flush(boolean active) {
        if (!dirty) {
            return;
        }
        dirty = false;
        if (!active || !ctx.channel().isActive()) {
            batch.discard();
            return;
        }
        if (sink.write(batch)) {
            pipelineDirty = true;
        }
        if (pipelineDirty) {
            pipelineDirty = false;
            ctx.flush();
        }
    }

    /** Releases what was gathered and not written. */
    public void discard() {
        batch.discard();
    }
}
