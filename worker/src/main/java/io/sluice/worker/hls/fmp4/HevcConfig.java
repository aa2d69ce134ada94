package io.sluice.worker.hls.fmp4;

import io.sluice.worker.media.BitReader;

/**
 * Reads an HEVCDecoderConfigurationRecord (ISO/IEC 14496-15, 8.3.3.1): the codecs string from
 * its profile, tier, level and constraint fields (annex E.3), and the picture size from its
 * first sequence parameter set (H.265 7.3.2.2).
 */
final class HevcConfig {

    private static final int NAL_SPS = 33;
    /** configurationVersion up to lengthSizeMinusOne; numOfArrays follows. */
    private static final int FIXED_SIZE = 22;

    private HevcConfig() {
    }

    static VideoFormat parse(byte[] record) {
        if (record.length < FIXED_SIZE + 1 || record[0] != 1) {
            throw new IllegalArgumentException("HEVCDecoderConfigurationRecord of " + record.length
                    + " bytes: expected version 1, " + (FIXED_SIZE + 1) + "+ bytes");
        }
        int[] size = pictureSize(record);
        return new VideoFormat("hvc1", record.clone(), codecs(record), size[0], size[1]);
    }

    /** ISO/IEC 14496-15 E.3, e.g. {@code hvc1.1.6.L93.B0} for Main, level 3.1. */
    static String codecs(byte[] r) {
        StringBuilder s = new StringBuilder("hvc1.");
        int profileSpace = (r[1] >> 6) & 0x03;
        if (profileSpace > 0) {
            s.append((char) ('A' + profileSpace - 1));
        }
        s.append(r[1] & 0x1f).append('.');
        long compatibility = (r[2] & 0xffL) << 24 | (r[3] & 0xff) << 16 | (r[4] & 0xff) << 8 | (r[5] & 0xff);
        // "in reverse bit order ... hexadecimal ... leading zeroes may be omitted"
        s.append(Long.toHexString(Integer.reverse((int) compatibility) & 0xffffffffL).toUpperCase(java.util.Locale.ROOT));
        s.append('.').append((r[1] & 0x20) != 0 ? 'H' : 'L').append(r[12] & 0xff);
        int lastNonZero = 5;
        while (lastNonZero >= 0 && r[6 + lastNonZero] == 0) {
            lastNonZero--;
        }
        for (int i = 0; i <= lastNonZero; i++) {
            s.append('.').append(Integer.toHexString(r[6 + i] & 0xff).toUpperCase(java.util.Locale.ROOT));
        }
        return s.toString();
    }

    private static int[] pictureSize(byte[] r) {
        int arrays = r[FIXED_SIZE] & 0xff;
        int p = FIXED_SIZE + 1;
        for (int a = 0; a < arrays; a++) {
            if (p + 3 > r.length) {
                return new int[2];
            }
            int nalType = r[p] & 0x3f;
            int count = (r[p + 1] & 0xff) << 8 | (r[p + 2] & 0xff);
            p += 3;
            for (int i = 0; i < count; i++) {
                if (p + 2 > r.length) {
                    return new int[2];
                }
                int length = (r[p] & 0xff) << 8 | (r[p + 1] & 0xff);
                p += 2;
                if (p + length > r.length) {
                    return new int[2];
                }
                if (nalType == NAL_SPS) {
                    byte[] sps = new byte[length];
                    System.arraycopy(r, p, sps, 0, length);
                    return spsPictureSize(sps);
                }
                p += length;
            }
        }
        return new int[2];
    }

    /** Width and height of an SPS NAL unit (2-byte header included); {0, 0} when it cannot be read. */
    static int[] spsPictureSize(byte[] sps) {
        try {
            BitReader r = BitReader.rbsp(sps, 2);
            r.skip(4); // sps_video_parameter_set_id
            int maxSubLayersMinus1 = r.u(3);
            r.skip(1); // sps_temporal_id_nesting_flag
            skipProfileTierLevel(r, maxSubLayersMinus1);
            r.ue(); // sps_seq_parameter_set_id
            int chromaFormat = r.ue();
            if (chromaFormat == 3 && r.flag()) {
                chromaFormat = 0; // separate_colour_plane_flag: ChromaArrayType 0
            }
            int width = r.ue();
            int height = r.ue();
            if (r.flag()) { // conformance_window_flag, offsets in chroma units (7.4.3.2.1)
                int subWidth = chromaFormat == 1 || chromaFormat == 2 ? 2 : 1;
                int subHeight = chromaFormat == 1 ? 2 : 1;
                width -= subWidth * (r.ue() + r.ue());
                height -= subHeight * (r.ue() + r.ue());
            }
            return width > 0 && height > 0 ? new int[] {width, height} : new int[2];
        } catch (IndexOutOfBoundsException e) {
            return new int[2];
        }
    }

    /** profile_tier_level(1, maxSubLayersMinus1), H.265 7.3.3. */
    private static void skipProfileTierLevel(BitReader r, int maxSubLayersMinus1) {
        r.skip(88); // general profile space, tier, profile, compatibility and constraint flags
        r.skip(8); // general_level_idc
        boolean[] profilePresent = new boolean[maxSubLayersMinus1];
        boolean[] levelPresent = new boolean[maxSubLayersMinus1];
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            profilePresent[i] = r.flag();
            levelPresent[i] = r.flag();
        }
        if (maxSubLayersMinus1 > 0) {
            r.skip(2 * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
        }
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            if (profilePresent[i]) {
                r.skip(88);
            }
            if (levelPresent[i]) {
                r.skip(8);
            }
        }
    }
}
