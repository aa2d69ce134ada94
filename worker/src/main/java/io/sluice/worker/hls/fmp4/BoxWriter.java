package io.sluice.worker.hls.fmp4;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Writes ISO BMFF boxes (ISO/IEC 14496-12, 4.2) into a {@link ByteBuf}: a box is begun with a
 * placeholder size, its body written, and the size patched in when it ends, so nesting needs no
 * size computed in advance.
 */
final class BoxWriter {

    private BoxWriter() {
    }

    /** The four characters of a box or sample entry type as the big-endian int they are on the wire. */
    static int type(String fourCc) {
        byte[] b = fourCc.getBytes(StandardCharsets.ISO_8859_1);
        if (b.length != 4) {
            throw new IllegalArgumentException("not a four-character code: '" + fourCc + "'");
        }
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    /** Begins a box; returns where it starts, for {@link #end}. */
    static int begin(ByteBuf out, int type) {
        int start = out.writerIndex();
        out.writeInt(0);
        out.writeInt(type);
        return start;
    }

    /** Begins a FullBox: a box whose body starts with an 8-bit version and 24 bits of flags. */
    static int beginFull(ByteBuf out, int type, int version, int flags) {
        int start = begin(out, type);
        out.writeInt(version << 24 | (flags & 0xffffff));
        return start;
    }

    /** Ends the box begun at {@code start}: its size is everything written since. */
    static void end(ByteBuf out, int start) {
        out.setInt(start, out.writerIndex() - start);
    }

    /** A box holding exactly {@code body}, e.g. a decoder configuration record copied as is. */
    static void leaf(ByteBuf out, int type, byte[] body) {
        out.writeInt(8 + body.length);
        out.writeInt(type);
        out.writeBytes(body);
    }

    /** The unity transformation matrix of mvhd and tkhd (16.16 and 2.30 fixed point). */
    static void unityMatrix(ByteBuf out) {
        out.writeInt(0x00010000).writeInt(0).writeInt(0);
        out.writeInt(0).writeInt(0x00010000).writeInt(0);
        out.writeInt(0).writeInt(0).writeInt(0x40000000);
    }
}
