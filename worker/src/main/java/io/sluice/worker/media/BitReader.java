package io.sluice.worker.media;

/**
 * Reads bit fields, Exp-Golomb codes (H.264/H.265 {@code ue(v)}/{@code se(v)}) and AV1's
 * {@code uvlc()} from a byte array, for the codec configuration parsers of both HLS muxers.
 * Reading past the end throws {@link IndexOutOfBoundsException}, which the parsers turn into
 * "size unknown" or a refused record: a parameter set we cannot read never stops the stream.
 */
public final class BitReader {

    private final byte[] data;
    private final int end;
    private int bit;

    public BitReader(byte[] data, int offset, int length) {
        this.data = data;
        this.bit = offset * 8;
        this.end = (offset + length) * 8;
    }

    /**
     * An H.264/H.265 NAL unit's RBSP: the bytes with every emulation prevention byte (the 03 in
     * 00 00 03) removed (H.264 7.4.1, H.265 7.4.2), starting at {@code offset}.
     */
    public static BitReader rbsp(byte[] nal, int offset) {
        byte[] out = new byte[nal.length];
        int n = 0;
        int zeros = 0;
        for (int i = offset; i < nal.length; i++) {
            int b = nal[i] & 0xff;
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out[n++] = (byte) b;
        }
        return new BitReader(out, 0, n);
    }

    public int bit() {
        if (bit >= end) {
            throw new IndexOutOfBoundsException("read past the end of the parameter set");
        }
        int value = (data[bit >> 3] >> (7 - (bit & 7))) & 1;
        bit++;
        return value;
    }

    public boolean flag() {
        return bit() == 1;
    }

    /** {@code n} bits, most significant first; n up to 32. */
    public long bits(int n) {
        long value = 0;
        for (int i = 0; i < n; i++) {
            value = value << 1 | bit();
        }
        return value;
    }

    public int u(int n) {
        return (int) bits(n);
    }

    public void skip(int n) {
        for (int i = 0; i < n; i++) {
            bit();
        }
    }

    /** Unsigned Exp-Golomb, H.264 9.1. */
    public int ue() {
        int zeros = 0;
        while (bit() == 0) {
            if (++zeros > 31) {
                throw new IndexOutOfBoundsException("Exp-Golomb code longer than 32 bits");
            }
        }
        return (int) ((1L << zeros) - 1 + bits(zeros));
    }

    /** Signed Exp-Golomb, H.264 9.1.1. */
    public int se() {
        int k = ue();
        return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
    }

    /** AV1 {@code uvlc()}, 4.10.3. */
    public long uvlc() {
        int zeros = 0;
        while (bit() == 0) {
            if (++zeros >= 32) {
                return (1L << 32) - 1;
            }
        }
        return (1L << zeros) - 1 + bits(zeros);
    }
}
