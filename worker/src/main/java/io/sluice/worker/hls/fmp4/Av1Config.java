package io.sluice.worker.hls.fmp4;

import io.sluice.worker.media.BitReader;

import java.util.Locale;

/**
 * Reads an AV1CodecConfigurationRecord (AV1 Codec ISO Media File Format Binding, 2.3.3): the
 * codecs string from its profile, level, tier and bit depth (annex A of that spec), and the
 * maximum frame size from the sequence header OBU among its configOBUs (AV1 5.5).
 */
final class Av1Config {

    private static final int OBU_SEQUENCE_HEADER = 1;
    private static final int FIXED_SIZE = 4;

    private Av1Config() {
    }

    static VideoFormat parse(byte[] record) {
        if (record.length < FIXED_SIZE || (record[0] & 0xff) != 0x81) {
            throw new IllegalArgumentException("AV1CodecConfigurationRecord of " + record.length
                    + " bytes: expected marker 1, version 1 and 4+ bytes");
        }
        int[] size = pictureSize(record);
        return new VideoFormat("av01", record.clone(), codecs(record), size[0], size[1]);
    }

    /** {@code av01.P.LLT.DD}, e.g. {@code av01.0.04M.08}: the short form, which players accept. */
    static String codecs(byte[] r) {
        int profile = (r[1] >> 5) & 0x07;
        int level = r[1] & 0x1f;
        boolean tier = (r[2] & 0x80) != 0;
        boolean highBitDepth = (r[2] & 0x40) != 0;
        boolean twelveBit = (r[2] & 0x20) != 0;
        int bitDepth = highBitDepth ? (profile == 2 && twelveBit ? 12 : 10) : 8;
        return String.format(Locale.ROOT, "av01.%d.%02d%c.%02d", profile, level, tier ? 'H' : 'M', bitDepth);
    }

    private static int[] pictureSize(byte[] r) {
        int p = FIXED_SIZE;
        try {
            while (p < r.length) {
                int header = r[p] & 0xff;
                int type = (header >> 3) & 0x0f;
                boolean extension = (header & 0x04) != 0;
                boolean hasSize = (header & 0x02) != 0;
                p += extension ? 2 : 1;
                long size = r.length - p;
                if (hasSize) {
                    size = 0;
                    for (int i = 0; i < 8; i++) { // leb128()
                        int b = r[p++] & 0xff;
                        size |= (long) (b & 0x7f) << (i * 7);
                        if ((b & 0x80) == 0) {
                            break;
                        }
                    }
                }
                if (size < 0 || p + size > r.length) {
                    return new int[2];
                }
                if (type == OBU_SEQUENCE_HEADER) {
                    return sequenceHeaderSize(new BitReader(r, p, (int) size));
                }
                p += (int) size;
            }
        } catch (IndexOutOfBoundsException e) {
            return new int[2];
        }
        return new int[2];
    }

    /** sequence_header_obu() up to max_frame_height_minus_1, AV1 5.5.1. */
    private static int[] sequenceHeaderSize(BitReader r) {
        r.skip(3); // seq_profile
        r.skip(1); // still_picture
        boolean reduced = r.flag();
        if (reduced) {
            r.skip(5); // seq_level_idx[0]
        } else {
            boolean timingInfo = r.flag();
            boolean decoderModelInfo = false;
            int bufferDelayLength = 0;
            if (timingInfo) {
                r.skip(64); // num_units_in_display_tick, time_scale
                if (r.flag()) { // equal_picture_interval
                    r.uvlc();
                }
                decoderModelInfo = r.flag();
                if (decoderModelInfo) {
                    bufferDelayLength = r.u(5) + 1;
                    r.skip(32 + 5 + 5); // num_units_in_decoding_tick, two length fields
                }
            }
            boolean initialDisplayDelay = r.flag();
            int operatingPoints = r.u(5) + 1;
            for (int i = 0; i < operatingPoints; i++) {
                r.skip(12); // operating_point_idc
                if (r.u(5) > 7) { // seq_level_idx
                    r.skip(1); // seq_tier
                }
                if (decoderModelInfo && r.flag()) {
                    r.skip(2 * bufferDelayLength + 1); // operating_parameters_info()
                }
                if (initialDisplayDelay && r.flag()) {
                    r.skip(4);
                }
            }
        }
        int widthBits = r.u(4) + 1;
        int heightBits = r.u(4) + 1;
        int width = (int) r.bits(widthBits) + 1;
        int height = (int) r.bits(heightBits) + 1;
        return new int[] {width, height};
    }
}
