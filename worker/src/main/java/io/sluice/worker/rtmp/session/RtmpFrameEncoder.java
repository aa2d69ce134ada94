package io.sluice.worker.rtmp.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.rtmp.chunk.ChunkStreamIds;
import io.sluice.worker.rtmp.chunk.ChunkWriter;
import io.sluice.worker.rtmp.message.MessageType;
import io.sluice.worker.stream.FrameEncoder;
import io.sluice.worker.stream.MediaFrame;

import java.util.function.IntSupplier;

/**
 * Encodes each frame of a stream once as standalone RTMP chunks for message stream 1 (the id
 * every player's first createStream gets) at the current outbound chunk size. Players on that
 * stream id and chunk size share these bytes; anyone else gets a copy of their own
 * ({@link #encodeFor}).
 */
public final class RtmpFrameEncoder implements FrameEncoder {

    /** The message stream id shared encodings are made for. */
    public static final int SHARED_STREAM_ID = 1;

    private final ByteBufAllocator alloc;
    private final IntSupplier chunkSize;

    public RtmpFrameEncoder(ByteBufAllocator alloc, IntSupplier chunkSize) {
        this.alloc = alloc;
        this.chunkSize = chunkSize;
    }

    @Override
    public int format() {
        return chunkSize.getAsInt();
    }

    @Override
    public ByteBuf encode(int format, MediaFrame.Kind kind, long timestamp, ByteBuf payload) {
        return encodeFor(alloc, kind, timestamp, payload, SHARED_STREAM_ID, format);
    }

    static ByteBuf encodeFor(ByteBufAllocator alloc, MediaFrame.Kind kind, long timestamp, ByteBuf payload,
                             int streamId, int chunkSize) {
        int csid;
        int type;
        switch (kind) {
            case AUDIO -> {
                csid = ChunkStreamIds.AUDIO;
                type = MessageType.AUDIO.id();
            }
            case VIDEO -> {
                csid = ChunkStreamIds.VIDEO;
                type = MessageType.VIDEO.id();
            }
            default -> {
                csid = ChunkStreamIds.DATA;
                type = MessageType.DATA_AMF0.id();
            }
        }
        return ChunkWriter.encodeStandalone(alloc, csid, timestamp, type, streamId, payload, chunkSize);
    }
}
