package io.sluice.worker.rtmp.message;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtmp.RtmpProtocolException;
import io.sluice.worker.rtmp.chunk.RawMessage;

import java.util.List;

/**
 * Splits an aggregate message (type 22, spec 7.1.6) into its sub-messages. The body is a
 * sequence of FLV-style tags: type (1), size (3), timestamp (3 + 1 high byte), stream id (3),
 * body, back pointer (4). Sub-message timestamps are offsets from the first one, rebased on the
 * aggregate's own timestamp, as FMS and nginx-rtmp do.
 */
final class AggregateReader {

    private static final int TAG_HEADER = 11;
    private static final int BACK_POINTER = 4;

    private AggregateReader() {
    }

    static void split(RawMessage aggregate, List<Object> out) {
        ByteBuf body = aggregate.payload();
        long firstTimestamp = -1;
        while (body.isReadable()) {
            if (body.readableBytes() < TAG_HEADER) {
                throw new RtmpProtocolException("aggregate message: truncated sub-message header ("
                        + body.readableBytes() + " bytes left)");
            }
            int type = body.readUnsignedByte();
            int size = body.readUnsignedMedium();
            long timestamp = body.readUnsignedMedium() | ((long) body.readUnsignedByte() << 24);
            body.skipBytes(3); // stream id: the aggregate's own applies
            if (body.readableBytes() < size) {
                throw new RtmpProtocolException("aggregate message: sub-message of " + size
                        + " bytes but only " + body.readableBytes() + " left");
            }
            if (firstTimestamp < 0) {
                firstTimestamp = timestamp;
            }
            long ts = aggregate.timestamp() + (timestamp - firstTimestamp);
            ByteBuf part = body.readRetainedSlice(size);
            switch (type) {
                case 8 -> out.add(new AudioData(ts, aggregate.streamId(), part));
                case 9 -> out.add(new VideoData(ts, aggregate.streamId(), part));
                case 18 -> {
                    try {
                        out.add(DataMessage.read(ts, aggregate.streamId(), part, false));
                    } finally {
                        part.release();
                    }
                }
                default -> {
                    part.release();
                    throw new RtmpProtocolException("aggregate message: sub-message of type " + type
                            + " (only audio, video and data may be aggregated)");
                }
            }
            if (body.readableBytes() >= BACK_POINTER) {
                body.skipBytes(BACK_POINTER);
            }
        }
    }
}
