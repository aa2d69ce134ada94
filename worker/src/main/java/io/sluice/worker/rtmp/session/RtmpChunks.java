package io.sluice.worker.rtmp.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.rtmp.message.MessageType;
import io.sluice.worker.rtmp.message.StandaloneChunkWriter;
import io.sluice.worker.stream.FrameEncoding;
import io.sluice.worker.stream.MediaFrame;

/**
 * A frame as RTMP players receive it: standalone chunks at {@code chunkSize} for message stream
 * {@value #SHARED_STREAM_ID} (the id every player's first createStream gets). Made once per frame
 * and worker and shared by every such player; a player on another message stream id gets a copy
 * of its own ({@link #encodeFor}).
 *
 * @param chunkSize the chunk size the player's connection was told (Set Chunk Size)
 */
public record RtmpChunks(int chunkSize) implements FrameEncoding {

    /** The message stream id shared encodings are made for. */
    public static final int SHARED_STREAM_ID = 1;

    /** The last one {@link #of} made: the chunk size of a worker changes only on a reload. */
    private static volatile RtmpChunks last = new RtmpChunks(60000);

    /**
     * The encoding at {@code chunkSize}, the same instance as the last call's when the size is the
     * same, so a frame's cache usually finds it by identity (an equal one would do, a little slower).
     */
    public static RtmpChunks of(int chunkSize) {
        RtmpChunks c = last;
        if (c.chunkSize != chunkSize) {
            last = c = new RtmpChunks(chunkSize);
        }
        return c;
    }

    @Override
    public ByteBuf encode(MediaFrame frame) {
        return encodeFor(ByteBufAllocator.DEFAULT, frame, SHARED_STREAM_ID);
    }

    /** The frame for one player on message stream {@code streamId}: a new buffer the caller owns. */
    ByteBuf encodeFor(ByteBufAllocator alloc, MediaFrame frame, int streamId) {
        MessageType type = switch (frame.kind()) {
            case AUDIO -> MessageType.AUDIO;
            case VIDEO -> MessageType.VIDEO;
            case DATA -> MessageType.DATA_AMF0;
        };
        return StandaloneChunkWriter.write(alloc, type, frame.timestamp(), streamId, frame.payload(), chunkSize);
    }
}
