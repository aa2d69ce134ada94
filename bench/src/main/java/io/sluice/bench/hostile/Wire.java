package io.sluice.bench.hostile;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.worker.rtmp.amf.Amf;
import io.sluice.worker.rtmp.amf.Amf0Writer;
import io.sluice.worker.rtmp.chunk.ChunkStreamIds;
import io.sluice.worker.rtmp.chunk.ChunkWriter;

import java.util.Random;

/**
 * The bytes attackers send after the handshake, built without the client's codec so that they
 * can be wrong on purpose: chunk sizes and lengths a client would never use, messages left
 * unfinished, objects nested past any sane depth. Everything here is a pure function of its
 * arguments (unit-tested against the worker's own decoders); buffers are unpooled heap buffers
 * the caller owns.
 */
public final class Wire {

    /** RTMP message type ids (spec 5.4 and 7.1). */
    static final int SET_CHUNK_SIZE = 1;
    static final int ACKNOWLEDGEMENT = 3;
    static final int WINDOW_ACK_SIZE = 5;
    static final int VIDEO = 9;
    static final int COMMAND_AMF0 = 20;

    /** Chunk stream the attackers send media on (what ffmpeg uses for video). */
    static final int MEDIA_CSID = 6;
    /** The largest length a message header can carry (24 bits): "a 16 MiB message" is this long. */
    public static final int MAX_MESSAGE_LENGTH = 0xFF_FFFF;

    private Wire() {
    }

    /** A protocol control message with a 4-byte body (Set Chunk Size, Acknowledgement, Window Ack Size). */
    public static ByteBuf control(int typeId, long value) {
        ByteBuf body = Unpooled.buffer(4).writeInt((int) value);
        return message(ChunkStreamIds.CONTROL, 0, typeId, 0, body, 128);
    }

    public static ByteBuf setChunkSize(int size) {
        return control(SET_CHUNK_SIZE, size);
    }

    /**
     * An AMF0 command (name, transaction id, command object, arguments) as chunks of
     * {@code chunkSize}: on chunk stream 3 for the NetConnection, 4 for a NetStream.
     */
    public static ByteBuf command(int chunkSize, int streamId, String name, double transactionId,
                                  Object commandObject, Object... arguments) {
        ByteBuf body = Unpooled.buffer();
        Amf0Writer.writeAll(body, name, transactionId, commandObject);
        Amf0Writer.writeAll(body, arguments);
        int csid = streamId == 0 ? ChunkStreamIds.CONNECTION_COMMAND : ChunkStreamIds.STREAM_COMMAND;
        return message(csid, 0, COMMAND_AMF0, streamId, body, chunkSize);
    }

    /** The {@code connect} a publisher sends (what ffmpeg puts in its command object). */
    public static ByteBuf connect(int chunkSize, String app, String tcUrl) {
        return command(chunkSize, 0, "connect", 1, Amf.object("app", app, "type", "nonprivate",
                "flashVer", "FMLE/3.0 (compatible; Sluice hostile)", "tcUrl", tcUrl));
    }

    /**
     * A {@code connect} whose command object holds an object that holds an object ... {@code depth}
     * objects deep in all ({@code {"a":{"a":{...{}}}}}). Written by hand: the project's AMF writer
     * refuses to go past {@link Amf#MAX_DEPTH}. 7 bytes per level, so 9000 levels fit in 64 KiB.
     */
    public static ByteBuf deepConnect(int chunkSize, int depth) {
        ByteBuf body = Unpooled.buffer(24 + 7 * depth);
        Amf0Writer.writeAll(body, "connect", 1.0);
        body.writeBytes(deepObject(depth));
        return message(ChunkStreamIds.CONNECTION_COMMAND, 0, COMMAND_AMF0, 0, body, chunkSize);
    }

    /** The AMF0 value of {@link #deepConnect}: {@code depth} nested anonymous objects, the innermost empty. */
    static ByteBuf deepObject(int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be at least 1: " + depth);
        }
        ByteBuf out = Unpooled.buffer(7 * depth);
        for (int i = 1; i < depth; i++) {
            out.writeByte(0x03).writeShort(1).writeByte('a'); // object marker, then the key "a"
        }
        out.writeByte(0x03);
        for (int i = 0; i < depth; i++) {
            out.writeShort(0).writeByte(0x09); // empty key + object-end marker closes one level
        }
        return out;
    }

    /**
     * One whole message as chunks with a type-0 header (the body is released). The chunk size
     * must be the one the receiver expects: the default 128, or what a Set Chunk Size announced.
     */
    public static ByteBuf message(int csid, long timestamp, int typeId, int streamId, ByteBuf body, int chunkSize) {
        try {
            ByteBuf out = Unpooled.buffer(ChunkWriter.encodedLength(0, csid, timestamp, body.readableBytes(), chunkSize));
            ChunkWriter.writeMessage(out, 0, csid, timestamp, typeId, streamId, body, chunkSize);
            return out;
        } finally {
            body.release();
        }
    }

    /**
     * The same message again, with a type-1 header: only the timestamp delta, length and type,
     * so identical bytes sent over and over make a stream whose timestamps advance by
     * {@code deltaMillis}. Must follow a type-0 message on the same chunk stream and message stream.
     */
    public static ByteBuf nextMessage(int csid, long deltaMillis, int typeId, ByteBuf body, int chunkSize) {
        try {
            ByteBuf out = Unpooled.buffer(ChunkWriter.encodedLength(1, csid, deltaMillis, body.readableBytes(), chunkSize));
            ChunkWriter.writeMessage(out, 1, csid, deltaMillis, typeId, 0, body, chunkSize);
            return out;
        } finally {
            body.release();
        }
    }

    /**
     * Only the type-0 header of a message: what announces {@code length} body bytes that may
     * never come. No extended timestamp (timestamp 0).
     */
    public static ByteBuf header(int csid, int length, int typeId, int streamId) {
        if (length < 0 || length > MAX_MESSAGE_LENGTH) {
            // writeMedium would silently keep the low 24 bits: 16 MiB would announce 0 bytes.
            throw new IllegalArgumentException("a message header carries 0.." + MAX_MESSAGE_LENGTH + " bytes, not " + length);
        }
        ByteBuf out = Unpooled.buffer(ChunkWriter.basicHeaderLength(csid) + 11);
        basicHeader(out, 0, csid);
        out.writeMedium(0).writeMedium(length).writeByte(typeId).writeIntLE(streamId);
        return out;
    }

    /**
     * Body bytes {@code [offset, offset + n)} of a message sent on {@code csid} at {@code chunkSize}
     * (zeros), with the type-3 header the receiver expects before each chunk after the first.
     * Consecutive slices, after {@link #header}, are the message's chunks, cut anywhere.
     */
    public static ByteBuf bodySlice(long offset, int n, int chunkSize, int csid) {
        int basic = ChunkWriter.basicHeaderLength(csid);
        ByteBuf out = Unpooled.buffer(n + (n / chunkSize + 1) * basic);
        long pos = offset;
        long end = offset + n;
        while (pos < end) {
            if (pos > 0 && pos % chunkSize == 0) {
                basicHeader(out, 3, csid);
            }
            long chunkEnd = Math.min(end, (pos / chunkSize + 1) * chunkSize);
            out.writeZero((int) (chunkEnd - pos));
            pos = chunkEnd;
        }
        return out;
    }

    /**
     * For each of {@code count} chunk streams from {@code firstCsid} on: a type-0 header announcing
     * a video message of {@code messageBytes} and its first chunk only, so that every one of those
     * streams holds a message in progress. {@code messageBytes} must exceed {@code chunkSize}.
     */
    public static ByteBuf openChunkStreams(int firstCsid, int count, int chunkSize, int messageBytes) {
        if (messageBytes <= chunkSize) {
            throw new IllegalArgumentException("a message of " + messageBytes + " bytes at chunk size " + chunkSize
                    + " would be complete after one chunk");
        }
        if (firstCsid < ChunkStreamIds.MIN || firstCsid + count - 1 > ChunkStreamIds.MAX) {
            throw new IllegalArgumentException("chunk stream ids " + firstCsid + ".." + (firstCsid + count - 1)
                    + " outside " + ChunkStreamIds.MIN + ".." + ChunkStreamIds.MAX);
        }
        ByteBuf out = Unpooled.buffer(count * (14 + chunkSize));
        for (int i = 0; i < count; i++) {
            int csid = firstCsid + i;
            basicHeader(out, 0, csid);
            out.writeMedium(0).writeMedium(messageBytes).writeByte(VIDEO).writeIntLE(1);
            out.writeZero(chunkSize);
        }
        return out;
    }

    /** A video body as an H.264 encoder's inter frame starts (FLV VideoTagHeader: AVC, NALU), zeros after. */
    public static ByteBuf videoBody(int bytes) {
        ByteBuf b = Unpooled.buffer(bytes);
        b.writeByte(0x27).writeByte(1).writeMedium(0);
        b.writeZero(Math.max(0, bytes - 5));
        return b;
    }

    /** Random bytes whose first byte is not RTMP's version 3 (nor 6, encrypted RTMP): a server must refuse them at S0. */
    public static ByteBuf garbage(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        if (n > 0 && (bytes[0] == 3 || bytes[0] == 6)) {
            bytes[0] = 'G';
        }
        return Unpooled.wrappedBuffer(bytes);
    }

    /** Random bytes as they come (for after the handshake). */
    public static ByteBuf noise(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return Unpooled.wrappedBuffer(bytes);
    }

    /** Basic header: 1 byte for ids 2..63, 2 bytes for 64..319, 3 bytes up to 65599 (spec 5.3.1.1). */
    private static void basicHeader(ByteBuf out, int fmt, int csid) {
        int top = fmt << 6;
        if (csid < 64) {
            out.writeByte(top | csid);
        } else if (csid < 320) {
            out.writeByte(top).writeByte(csid - 64);
        } else {
            out.writeByte(top | 1).writeByte((csid - 64) & 0xff).writeByte((csid - 64) >>> 8);
        }
    }
}
