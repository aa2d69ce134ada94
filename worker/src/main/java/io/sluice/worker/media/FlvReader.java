package io.sluice.worker.media;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads an FLV file (Adobe FLV spec v10.1, annex E) tag by tag, checking its structure as it goes.
 *
 * <p>The constructor reads and checks the header: signature {@code FLV}, version 1, DataOffset of
 * at least 9 (a larger one is skipped, as the spec reserves it for longer headers) and
 * PreviousTagSize0 = 0. {@link #next()} then checks every tag: type 8, 9 or 18, no encryption
 * (Filter bit), a body as long as DataSize, and a PreviousTagSize of 11 + DataSize. Any violation,
 * including a file cut short inside a tag, is a {@link FlvFormatException} naming the byte offset
 * and the problem; a file that ends exactly after a tag is a clean end.
 *
 * <p>The body buffer grows with the bytes actually read (64 KiB at a time), so a corrupt DataSize
 * in a short file never makes the reader allocate the claimed size up front. DataSize is a UI24,
 * so no tag exceeds 16 MiB.
 */
public final class FlvReader implements Closeable {

    private static final int HEADER_SIZE = 9;
    private static final int TAG_HEADER_SIZE = 11;
    private static final int READ_CHUNK = 64 * 1024;

    private final InputStream in;
    private final ByteBufAllocator allocator;
    private final boolean audio;
    private final boolean video;
    private final byte[] tagHeader = new byte[TAG_HEADER_SIZE];
    private long offset;

    /** Opens and reads the header of {@code file}. */
    public FlvReader(Path file) throws IOException {
        this(new BufferedInputStream(Files.newInputStream(file)), ByteBufAllocator.DEFAULT);
    }

    /** Reads the header from {@code in}; the reader takes over the stream and closes it. */
    public FlvReader(InputStream in) throws IOException {
        this(in, ByteBufAllocator.DEFAULT);
    }

    /** As {@link #FlvReader(InputStream)}, allocating tag payloads from {@code allocator}. */
    public FlvReader(InputStream in, ByteBufAllocator allocator) throws IOException {
        this.in = Objects.requireNonNull(in, "in");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        try {
            byte[] header = new byte[HEADER_SIZE];
            readExactly(header, HEADER_SIZE, "file header");
            if (header[0] != 'F' || header[1] != 'L' || header[2] != 'V') {
                throw new FlvFormatException(0, "signature is not 'FLV'");
            }
            if (header[3] != 1) {
                throw new FlvFormatException(3, "version " + (header[3] & 0xff) + ", only 1 is supported");
            }
            this.audio = (header[4] & 0x04) != 0;
            this.video = (header[4] & 0x01) != 0;
            long dataOffset = uint32(header, 5);
            if (dataOffset < HEADER_SIZE) {
                throw new FlvFormatException(5, "DataOffset " + dataOffset + " is below the header size " + HEADER_SIZE);
            }
            skipExactly(dataOffset - HEADER_SIZE, "header extension");
            long previousTagSize = readPreviousTagSize();
            if (previousTagSize != 0) {
                throw new FlvFormatException(offset - 4, "PreviousTagSize0 is " + previousTagSize + ", must be 0");
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(e);
            throw e;
        }
    }

    /** The header's TypeFlagsAudio bit. */
    public boolean hasAudio() {
        return audio;
    }

    /** The header's TypeFlagsVideo bit. */
    public boolean hasVideo() {
        return video;
    }

    /**
     * Reads the next tag; its payload belongs to the caller.
     *
     * @return the tag, or null at the end of the file
     * @throws FlvFormatException on a malformed or truncated tag
     */
    public FlvTag next() throws IOException {
        long tagStart = offset;
        int got = readUpTo(tagHeader, TAG_HEADER_SIZE);
        if (got == 0) {
            return null;
        }
        if (got < TAG_HEADER_SIZE) {
            throw new FlvFormatException(tagStart,
                    "file ends inside a tag header (" + got + " of " + TAG_HEADER_SIZE + " bytes)");
        }
        int first = tagHeader[0] & 0xff;
        if ((first & 0x20) != 0) {
            throw new FlvFormatException(tagStart, "Filter bit set: encrypted tags are not supported");
        }
        int type = first & 0x1f;
        if (type != FlvTag.AUDIO && type != FlvTag.VIDEO && type != FlvTag.SCRIPT) {
            throw new FlvFormatException(tagStart, "tag type " + type + " is not audio (8), video (9) or script (18)");
        }
        int dataSize = uint24(tagHeader, 1);
        // TimestampExtended holds the upper 8 bits of the 32-bit millisecond timestamp.
        int timestamp = ((tagHeader[7] & 0xff) << 24) | uint24(tagHeader, 4);
        // StreamID (bytes 8..10) "always 0"; not checked, some writers leave junk there.
        long dataStart = offset;
        ByteBuf payload = readBody(dataSize, dataStart);
        try {
            long previousTagSize = readPreviousTagSize();
            if (previousTagSize != TAG_HEADER_SIZE + dataSize) {
                throw new FlvFormatException(offset - 4, "PreviousTagSize is " + previousTagSize + ", expected "
                        + (TAG_HEADER_SIZE + dataSize) + " for the tag at offset " + tagStart);
            }
            return new FlvTag(type, timestamp, payload);
        } catch (IOException | RuntimeException e) {
            payload.release();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private ByteBuf readBody(int dataSize, long dataStart) throws IOException {
        ByteBuf payload = allocator.heapBuffer(Math.min(dataSize, READ_CHUNK), dataSize);
        try {
            while (payload.readableBytes() < dataSize) {
                int wanted = Math.min(READ_CHUNK, dataSize - payload.readableBytes());
                int read = payload.writeBytes(in, wanted);
                if (read < 0) {
                    throw new FlvFormatException(dataStart, "file ends inside the tag data ("
                            + payload.readableBytes() + " of " + dataSize + " bytes)");
                }
                offset += read;
            }
            return payload;
        } catch (IOException | RuntimeException e) {
            payload.release();
            throw e;
        }
    }

    private long readPreviousTagSize() throws IOException {
        byte[] size = new byte[4];
        readExactly(size, 4, "PreviousTagSize");
        return uint32(size, 0);
    }

    private void readExactly(byte[] target, int length, String what) throws IOException {
        long start = offset;
        int got = readUpTo(target, length);
        if (got < length) {
            throw new FlvFormatException(start, "file ends inside the " + what + " (" + got + " of " + length + " bytes)");
        }
    }

    private int readUpTo(byte[] target, int length) throws IOException {
        int total = 0;
        while (total < length) {
            int read = in.read(target, total, length - total);
            if (read < 0) {
                break;
            }
            total += read;
            offset += read;
        }
        return total;
    }

    private void skipExactly(long length, String what) throws IOException {
        long start = offset;
        long left = length;
        while (left > 0) {
            // InputStream.skip may skip less, or nothing before EOF; read() tells EOF apart.
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new FlvFormatException(start, "file ends inside the " + what + " ("
                            + (length - left) + " of " + length + " bytes)");
                }
                skipped = 1;
            }
            left -= skipped;
            offset += skipped;
        }
    }

    private void closeQuietly(Exception cause) {
        try {
            in.close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    private static int uint24(byte[] b, int at) {
        return ((b[at] & 0xff) << 16) | ((b[at + 1] & 0xff) << 8) | (b[at + 2] & 0xff);
    }

    private static long uint32(byte[] b, int at) {
        return ((long) (b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
