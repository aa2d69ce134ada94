package io.sluice.worker.rtmp.amf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;

/** Bounds-checked primitives shared by the AMF readers and writers. */
final class AmfBytes {

    private AmfBytes() {
    }

    /** Throws unless {@code n} bytes are readable; {@code n} may come straight off the wire. */
    static void require(ByteBuf in, long n, String what) {
        if (n > in.readableBytes()) {
            throw new AmfException(what, in.readerIndex(),
                    "truncated, needs " + n + " bytes but " + in.readableBytes() + " are readable");
        }
    }

    /**
     * Throws unless {@code count} elements of at least {@code minBytesEach} bytes can still
     * follow. Checked before a count read off the wire is used for anything, so a forged count
     * can neither size an allocation nor start a long loop.
     */
    static void requireElements(ByteBuf in, long count, int minBytesEach, String what) {
        if (count * minBytesEach > in.readableBytes()) {
            throw new AmfException(what, in.readerIndex(), "declares " + count + " elements of at least "
                    + minBytesEach + " bytes but only " + in.readableBytes() + " bytes are readable");
        }
    }

    static int readUnsignedByte(ByteBuf in, String what) {
        require(in, 1, what);
        return in.readUnsignedByte();
    }

    static int readUnsignedShort(ByteBuf in, String what) {
        require(in, 2, what);
        return in.readUnsignedShort();
    }

    static long readUnsignedInt(ByteBuf in, String what) {
        require(in, 4, what);
        return in.readUnsignedInt();
    }

    static double readDouble(ByteBuf in, String what) {
        require(in, 8, what);
        return in.readDouble();
    }

    /** Reads {@code length} bytes of UTF-8; the length is checked before any decoding. */
    static String readUtf8(ByteBuf in, long length, String what) {
        require(in, length, what);
        int len = (int) length;
        String s = in.toString(in.readerIndex(), len, StandardCharsets.UTF_8);
        in.skipBytes(len);
        return s;
    }

    /** Writes {@code s} as UTF-8 whose length, from {@link ByteBufUtil#utf8Bytes}, is known. */
    static void writeUtf8(ByteBuf out, String s, int utf8Length) {
        ByteBufUtil.reserveAndWriteUtf8(out, s, utf8Length);
    }

    static String hex(int marker) {
        return String.format("0x%02X", marker);
    }

    /** Describes a container that is one level too deep. */
    static AmfException tooDeep(String what, int offset) {
        return new AmfException(what, offset, "nesting deeper than " + Amf.MAX_DEPTH
                + " levels (Amf.MAX_DEPTH), or a cyclic value");
    }
}
