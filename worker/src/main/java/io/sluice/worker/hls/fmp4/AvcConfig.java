package io.sluice.worker.hls.fmp4;

/**
 * Reads an AVCDecoderConfigurationRecord (ISO/IEC 14496-15, 5.3.3.1): the codecs string from its
 * profile, compatibility and level bytes, and the picture size from its first sequence parameter
 * set (H.264 7.3.2.1.1).
 */
final class AvcConfig {

    private AvcConfig() {
    }

    static VideoFormat parse(byte[] record) {
        if (record.length < 7 || record[0] != 1) {
            throw new IllegalArgumentException("AVCDecoderConfigurationRecord of " + record.length
                    + " bytes, version " + (record.length > 0 ? record[0] : -1) + ": expected version 1, 7+ bytes");
        }
        // RFC 6381 3.3: avc1.PPCCLL, profile_idc, constraint flags and level_idc in hex.
        String codecs = "avc1." + VideoFormat.hex2(record[1]) + VideoFormat.hex2(record[2]) + VideoFormat.hex2(record[3]);
        int width = 0;
        int height = 0;
        int spsCount = record[5] & 0x1f;
        if (spsCount > 0 && record.length >= 8) {
            int length = (record[6] & 0xff) << 8 | (record[7] & 0xff);
            if (8 + length <= record.length && length > 1) {
                byte[] sps = new byte[length];
                System.arraycopy(record, 8, sps, 0, length);
                int[] size = pictureSize(sps);
                width = size[0];
                height = size[1];
            }
        }
        return new VideoFormat("avc1", record.clone(), codecs, width, height);
    }

    /** Width and height of an SPS NAL unit (header byte included); {0, 0} when it cannot be read. */
    static int[] pictureSize(byte[] sps) {
        try {
            BitReader r = BitReader.rbsp(sps, 1);
            int profile = r.u(8);
            r.skip(16); // constraint flags, level_idc
            r.ue(); // seq_parameter_set_id
            int chromaFormat = 1;
            boolean separateColourPlanes = false;
            if (profile == 100 || profile == 110 || profile == 122 || profile == 244 || profile == 44
                    || profile == 83 || profile == 86 || profile == 118 || profile == 128 || profile == 138
                    || profile == 139 || profile == 134 || profile == 135) {
                chromaFormat = r.ue();
                if (chromaFormat == 3) {
                    separateColourPlanes = r.flag();
                }
                r.ue(); // bit_depth_luma_minus8
                r.ue(); // bit_depth_chroma_minus8
                r.skip(1); // qpprime_y_zero_transform_bypass_flag
                if (r.flag()) { // seq_scaling_matrix_present_flag
                    for (int i = 0; i < (chromaFormat != 3 ? 8 : 12); i++) {
                        if (r.flag()) {
                            skipScalingList(r, i < 6 ? 16 : 64);
                        }
                    }
                }
            }
            r.ue(); // log2_max_frame_num_minus4
            int pocType = r.ue();
            if (pocType == 0) {
                r.ue();
            } else if (pocType == 1) {
                r.skip(1);
                r.se();
                r.se();
                int cycle = r.ue();
                for (int i = 0; i < cycle; i++) {
                    r.se();
                }
            }
            r.ue(); // max_num_ref_frames
            r.skip(1); // gaps_in_frame_num_value_allowed_flag
            int widthInMbs = r.ue() + 1;
            int heightInMapUnits = r.ue() + 1;
            boolean frameMbsOnly = r.flag();
            if (!frameMbsOnly) {
                r.skip(1); // mb_adaptive_frame_field_flag
            }
            r.skip(1); // direct_8x8_inference_flag
            int cropLeft = 0;
            int cropRight = 0;
            int cropTop = 0;
            int cropBottom = 0;
            if (r.flag()) {
                cropLeft = r.ue();
                cropRight = r.ue();
                cropTop = r.ue();
                cropBottom = r.ue();
            }
            // H.264 7.4.2.1.1, frame_crop_*_offset: crop units depend on the chroma format.
            int chroma = separateColourPlanes ? 0 : chromaFormat;
            int cropUnitX = chroma == 1 || chroma == 2 ? 2 : 1;
            int cropUnitY = (chroma == 1 ? 2 : 1) * (frameMbsOnly ? 1 : 2);
            int width = widthInMbs * 16 - cropUnitX * (cropLeft + cropRight);
            int height = (frameMbsOnly ? 1 : 2) * heightInMapUnits * 16 - cropUnitY * (cropTop + cropBottom);
            return width > 0 && height > 0 ? new int[] {width, height} : new int[2];
        } catch (IndexOutOfBoundsException e) {
            return new int[2];
        }
    }

    private static void skipScalingList(BitReader r, int size) {
        int last = 8;
        int next = 8;
        for (int j = 0; j < size; j++) {
            if (next != 0) {
                next = (last + r.se() + 256) % 256;
            }
            last = next == 0 ? last : next;
        }
    }
}
