package io.sluice.worker.rtmp.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Writes RTMP chunks (spec section 5.3). Pure helper shared by {@link ChunkEncoder}, which
 * compresses headers per chunk stream, and by the fan-out, which encodes each media message
 * once, with a self-contained type-0 header, and shares the bytes among all players.
 */
public final class ChunkWriter {

    /** A timestamp field at or above this value is sent as 0xFFFFFF plus an extended timestamp. */
    static final long EXTENDED_TIMESTAMP_MARK = 0xFF_FFFFL;

    private static final int[] MESSAGE_HEADER_LENGTH = {11, 7, 3, 0};

    private ChunkWriter() {
    }

    /** Length of the basic header for a chunk stream id: 1, 2 or 3 bytes (spec 5.3.1.1). */
    public static int basicHeaderLength(int csid) {
        if (csid < 64) {
            return 1;
        }
        return csid < 320 ? 2 : 3;
    }

    /**
     * Bytes needed to send one message as chunks: the first chunk's full header, then a type-3
     * header (repeating the extended timestamp, as ffmpeg and FMS do) before every further chunk.
     */
    public static int encodedLength(int fmt, int csid, long timestampField, int payloadLength, int chunkSize) {
        int basic = basicHeaderLength(csid);
        int extended = timestampField >= EXTENDED_TIMESTAMP_MARK ? 4 : 0;
        int continuations = payloadLength == 0 ? 0 : (payloadLength - 1) / chunkSize;
        return basic + MESSAGE_HEADER_LENGTH[fmt] + extended
                + continuations * (basic + extended) + payloadLength;
    }

    /**
     * Writes one message as chunks. {@code timestampField} is what the header carries: the
     * absolute timestamp for type 0, the delta for types 1 and 2; for type 3 it only decides
     * whether an extended timestamp follows (the one the chunk stream last used).
     *
     * @param payload written from its reader index; the index is left unchanged
     */
    public static void writeMessage(ByteBuf out, int fmt, int csid, long timestampField, int typeId,
                                    int streamId, ByteBuf payload, int chunkSize) {
        int length = payload.readableBytes();
        boolean extended = timestampField >= EXTENDED_TIMESTAMP_MARK;
        int headerField = extended ? (int) EXTENDED_TIMESTAMP_MARK : (int) timestampField;

        writeBasicHeader(out, fmt, csid);
        if (fmt <= 2) {
            out.writeMedium(headerField);
        }
        if (fmt <= 1) {
            out.writeMedium(length);
            out.writeByte(typeId);
        }
        if (fmt == 0) {
            // The message stream id is the one little-endian field of RTMP (spec 5.3.1.2.1).
            out.writeIntLE(streamId);
        }
        if (extended) {
            out.writeInt((int) timestampField);
        }

        int offset = payload.readerIndex();
        int end = offset + length;
        int first = Math.min(chunkSize, length);
        out.writeBytes(payload, offset, first);
        offset += first;
        while (offset < end) {
            writeBasicHeader(out, 3, csid);
            if (extended) {
                out.writeInt((int) timestampField);
            }
            int n = Math.min(chunkSize, end - offset);
            out.writeBytes(payload, offset, n);
            offset += n;
        }
    }

    /**
     * Encodes a whole message with a type-0 header into a new buffer of exactly the right size.
     * Such a buffer depends on nothing the receiver remembers, so one copy can be shared by every
     * player that uses the same chunk size and message stream id.
     */
    public static ByteBuf encodeStandalone(ByteBufAllocator alloc, int csid, long timestamp, int typeId,
                                           int streamId, ByteBuf payload, int chunkSize) {
        long ts = timestamp & 0xFFFF_FFFFL;
        ByteBuf out = alloc.buffer(encodedLength(0, csid, ts, payload.readableBytes(), chunkSize));
        writeMessage(out, 0, csid, ts, typeId, streamId, payload, chunkSize);
        return out;
    }

    static void writeBasicHeader(ByteBuf out, int fmt, int csid) {
        int top = fmt << 6;
        if (csid < 64) {
            out.writeByte(top | csid);
        } else if (csid < 320) {
            out.writeByte(top);
            out.writeByte(csid - 64);
        } else {
            int rest = csid - 64;
            out.writeByte(top | 1);
            out.writeByte(rest & 0xff);
            out.writeByte(rest >>> 8);
        }
    }
}
