package io.sluice.worker.hls.ts;

import io.netty.buffer.ByteBuf;

/**
 * The CRC_32 of PSI sections (ISO/IEC 13818-1, Annex A): polynomial 0x04C11DB7, initial value
 * all ones, most significant bit first, no final inversion. Not {@code java.util.zip.CRC32},
 * which reflects the bits and inverts the result.
 */
final class Mpeg2Crc {

    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i << 24;
            for (int bit = 0; bit < 8; bit++) {
                c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7 : c << 1;
            }
            TABLE[i] = c;
        }
    }

    private Mpeg2Crc() {
    }

    /** CRC of {@code length} bytes of {@code buf} from {@code index}, indexes untouched. */
    static int of(ByteBuf buf, int index, int length) {
        int crc = 0xFFFFFFFF;
        for (int i = index; i < index + length; i++) {
            crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ buf.getByte(i)) & 0xff];
        }
        return crc;
    }
}
