package io.sluice.worker.rtmp.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * One reassembled RTMP message as the chunk layer sees it: the header fields of RTMP spec
 * section 6.1.1 plus the chunk stream it travelled on, and its payload.
 *
 * <p>Ownership: whoever holds a {@code RawMessage} owns one reference to {@link #payload()}
 * and must release it (Netty releases it for us if it reaches the pipeline's tail).
 *
 * @param chunkStreamId chunk stream id, 2..65599
 * @param timestamp     absolute timestamp in milliseconds, 0..2^32-1 (RTMP timestamps wrap)
 * @param typeId        message type id (spec section 7.1; see {@code MessageType})
 * @param streamId      message stream id (little-endian on the wire; 0 = the NetConnection)
 * @param payload       message body
 */
public record RawMessage(int chunkStreamId, long timestamp, int typeId, int streamId, ByteBuf payload)
        implements ReferenceCounted {

    public RawMessage {
        if (chunkStreamId < ChunkStreamIds.MIN || chunkStreamId > ChunkStreamIds.MAX) {
            throw new IllegalArgumentException("chunk stream id out of range: " + chunkStreamId);
        }
        if (typeId < 0 || typeId > 0xff) {
            throw new IllegalArgumentException("message type out of range: " + typeId);
        }
        timestamp &= 0xFFFF_FFFFL;
    }

    @Override
    public int refCnt() {
        return payload.refCnt();
    }

    @Override
    public RawMessage retain() {
        payload.retain();
        return this;
    }

    @Override
    public RawMessage retain(int increment) {
        payload.retain(increment);
        return this;
    }

    @Override
    public RawMessage touch() {
        payload.touch();
        return this;
    }

    @Override
    public RawMessage touch(Object hint) {
        payload.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return payload.release();
    }

    @Override
    public boolean release(int decrement) {
        return payload.release(decrement);
    }

    @Override
    public String toString() {
        return "RawMessage[csid=" + chunkStreamId + ", ts=" + timestamp + ", type=" + typeId
                + ", stream=" + streamId + ", length=" + payload.readableBytes() + ']';
    }
}
