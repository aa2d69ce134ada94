package io.sluice.worker.hls.ts;

/**
 * Reads bits most significant first, and the Exp-Golomb codes of H.264 (ITU-T H.264, 9.1), from
 * an RBSP (emulation prevention bytes already removed). Reading past the end throws
 * {@link IllegalArgumentException}: the parameter set is truncated or not what it claims.
 */
final class BitReader {

    private final byte[] data;
    private int bit;

    BitReader(byte[] data, int byteOffset) {
        this.data = data;
        this.bit = byteOffset * 8;
    }

    int bit() {
        if (bit >= data.length * 8) {
            throw new IllegalArgumentException("parameter set ends early");
        }
        int b = (data[bit >>> 3] >> (7 - (bit & 7))) & 1;
        bit++;
        return b;
    }

    int bits(int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 1) | bit();
        }
        return v;
    }

    void skip(int n) {
        for (int i = 0; i < n; i++) {
            bit();
        }
    }

    /** ue(v); values beyond 2^31 - 2 are refused, no valid parameter set has them. */
    int ue() {
        int zeros = 0;
        while (bit() == 0) {
            if (++zeros > 31) {
                throw new IllegalArgumentException("Exp-Golomb code too long");
            }
        }
        long v = (1L << zeros) - 1 + bits(zeros);
        if (v > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException("Exp-Golomb value out of range");
        }
        return (int) v;
    }

    int se() {
        int k = ue();
        return (k & 1) != 0 ? (k + 1) / 2 : -(k / 2);
    }

    /** The RBSP of a NAL unit: its bytes with every emulation prevention 0x03 after 00 00 removed. */
    static byte[] rbsp(byte[] nal) {
        byte[] out = new byte[nal.length];
        int n = 0;
        int zeros = 0;
        for (byte b : nal) {
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out[n++] = b;
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
