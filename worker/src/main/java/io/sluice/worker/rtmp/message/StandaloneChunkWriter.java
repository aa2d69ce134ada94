package io.sluice.worker.rtmp.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.rtmp.chunk.ChunkStreamIds;
import io.sluice.worker.rtmp.chunk.ChunkWriter;

/**
 * Writes an audio, video or data message as standalone chunks (a type-0 header each, see
 * {@link ChunkWriter#encodeStandalone}) on the chunk stream Sluice sends that kind on. Such bytes
 * depend on nothing a receiver remembers, so one copy serves every player of the same chunk size
 * and message stream id; they never pass the {@code ChunkEncoder}, whose header compression must
 * not know of them (hence chunk streams of their own, {@link ChunkStreamIds}).
 */
public final class StandaloneChunkWriter {

    private StandaloneChunkWriter() {
    }

    /**
     * @param type    {@link MessageType#AUDIO}, {@link MessageType#VIDEO} or {@link MessageType#DATA_AMF0}
     * @param payload the message body, read from its reader index; neither it nor its indexes change
     * @return a new buffer the caller owns
     */
    public static ByteBuf write(ByteBufAllocator alloc, MessageType type, long timestamp, int streamId,
                                ByteBuf payload, int chunkSize) {
        int csid = switch (type) {
            case AUDIO -> ChunkStreamIds.AUDIO;
            case VIDEO -> ChunkStreamIds.VIDEO;
            case DATA_AMF0 -> ChunkStreamIds.DATA;
            default -> throw new IllegalArgumentException(type + " is not sent as standalone chunks");
        };
        return ChunkWriter.encodeStandalone(alloc, csid, timestamp, type.id(), streamId, payload, chunkSize);
    }
}
