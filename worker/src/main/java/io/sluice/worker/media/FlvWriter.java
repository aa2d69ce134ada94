package io.sluice.worker.media;

import io.netty.buffer.ByteBuf;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Writes an FLV file (Adobe FLV spec v10.1, annex E): the 9-byte header and PreviousTagSize0 on
 * construction, then one tag and its PreviousTagSize per {@link #write}.
 *
 * <p>Does not buffer: wrap the stream in a {@link java.io.BufferedOutputStream} for files.
 */
public final class FlvWriter implements Closeable, Flushable {

    /** Largest tag body: DataSize is a UI24. */
    public static final int MAX_PAYLOAD = 0xff_ffff;

    private static final int TAG_HEADER_SIZE = 11;

    private final OutputStream out;
    private final byte[] tagHeader = new byte[TAG_HEADER_SIZE];

    /**
     * Writes the file header to {@code out} at once; the writer takes over the stream and closes it.
     *
     * @param audio value of the header's TypeFlagsAudio bit
     * @param video value of the header's TypeFlagsVideo bit
     */
    public FlvWriter(OutputStream out, boolean audio, boolean video) throws IOException {
        this.out = Objects.requireNonNull(out, "out");
        byte flags = (byte) ((audio ? 0x04 : 0) | (video ? 0x01 : 0));
        out.write(new byte[] {
                'F', 'L', 'V', 1, flags, 0, 0, 0, 9, // signature, version, flags, DataOffset = 9
                0, 0, 0, 0,                          // PreviousTagSize0
        });
    }

    /**
     * Writes one tag. The payload's readable bytes are copied; its indexes and reference count are
     * left alone (the caller still owns it).
     *
     * @param type      {@link FlvTag#AUDIO}, {@link FlvTag#VIDEO} or {@link FlvTag#SCRIPT}
     * @param timestamp milliseconds, taken as an unsigned 32-bit value
     * @throws IllegalArgumentException for another type or a payload over {@value #MAX_PAYLOAD} bytes
     */
    public void write(int type, int timestamp, ByteBuf payload) throws IOException {
        FlvTag.checkType(type);
        int size = payload.readableBytes();
        if (size > MAX_PAYLOAD) {
            throw new IllegalArgumentException("FLV tag body of " + size + " bytes exceeds " + MAX_PAYLOAD);
        }
        tagHeader[0] = (byte) type;
        putUint24(tagHeader, 1, size);
        putUint24(tagHeader, 4, timestamp & 0xff_ffff);
        tagHeader[7] = (byte) (timestamp >>> 24); // TimestampExtended
        putUint24(tagHeader, 8, 0);               // StreamID
        out.write(tagHeader);
        payload.getBytes(payload.readerIndex(), out, size);
        int previousTagSize = TAG_HEADER_SIZE + size;
        out.write(new byte[] {
                (byte) (previousTagSize >>> 24), (byte) (previousTagSize >>> 16),
                (byte) (previousTagSize >>> 8), (byte) previousTagSize,
        });
    }

    /** Writes {@code tag}; see {@link #write(int, int, ByteBuf)}. */
    public void write(FlvTag tag) throws IOException {
        write(tag.type(), tag.timestamp(), tag.payload());
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private static void putUint24(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 16);
        b[at + 1] = (byte) (value >>> 8);
        b[at + 2] = (byte) value;
    }
}
