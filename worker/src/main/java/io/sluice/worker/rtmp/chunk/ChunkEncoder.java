package io.sluice.worker.rtmp.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;

/**
 * Splits outgoing {@link RawMessage}s into chunks, compressing each header against the last
 * message sent on the same chunk stream (spec 5.3.1.2): type 0 for a new stream, a different
 * message stream id or a timestamp that goes backwards; type 1 when length or type changed;
 * type 2 when only the delta changed; type 3 when even the delta repeats.
 *
 * <p>When a Set Chunk Size message passes through, the new size applies to the chunks that
 * follow it, as the peer's decoder expects.
 *
 * <p>Buffers that are already chunked (shared media, see {@link ChunkWriter#encodeStandalone})
 * pass through untouched; they never use a chunk stream this encoder writes on.
 */
public final class ChunkEncoder extends MessageToByteEncoder<RawMessage> {

    private final IntObjectMap<LastHeader> last = new IntObjectHashMap<>();
    private int chunkSize = ChunkDecoder.DEFAULT_CHUNK_SIZE;

    public ChunkEncoder() {
        super(RawMessage.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, RawMessage msg, boolean preferDirect) {
        int length = ChunkWriter.encodedLength(0, msg.chunkStreamId(), msg.timestamp(),
                msg.payload().readableBytes(), chunkSize);
        return preferDirect ? ctx.alloc().ioBuffer(length) : ctx.alloc().heapBuffer(length);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, RawMessage msg, ByteBuf out) {
        int csid = msg.chunkStreamId();
        int length = msg.payload().readableBytes();
        long timestamp = msg.timestamp();
        LastHeader prev = last.get(csid);

        int fmt;
        long field;
        if (prev == null || prev.streamId != msg.streamId() || timestamp < prev.timestamp) {
            fmt = 0;
            field = timestamp;
        } else {
            long delta = timestamp - prev.timestamp;
            if (prev.length != length || prev.typeId != msg.typeId()) {
                fmt = 1;
            } else if (delta != prev.timestampField) {
                fmt = 2;
            } else {
                fmt = 3;
            }
            field = delta;
        }
        ChunkWriter.writeMessage(out, fmt, csid, field, msg.typeId(), msg.streamId(), msg.payload(), chunkSize);

        if (prev == null) {
            prev = new LastHeader();
            last.put(csid, prev);
        }
        prev.streamId = msg.streamId();
        prev.timestamp = timestamp;
        prev.timestampField = field;
        prev.length = length;
        prev.typeId = msg.typeId();

        if (msg.typeId() == ChunkDecoder.TYPE_SET_CHUNK_SIZE && length >= 4) {
            int size = msg.payload().getInt(msg.payload().readerIndex());
            if (size >= 1) {
                chunkSize = Math.min(size, ChunkDecoder.MAX_CHUNK_SIZE);
            }
        }
    }

    /** The header fields the peer's decoder remembers for one chunk stream. */
    private static final class LastHeader {
        int streamId;
        long timestamp;
        long timestampField;
        int length;
        int typeId;
    }
}
