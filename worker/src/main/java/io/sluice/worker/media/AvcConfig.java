package io.sluice.worker.media;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * An H.264 stream's decoder configuration, from the AVCDecoderConfigurationRecord that RTMP sends
 * as the AVC sequence header (ISO/IEC 14496-15, 5.3.3.1): what both HLS muxers need from it. The
 * transport stream repeats the parameter sets before each IDR picture and turns AVCC into Annex B
 * with the NAL length size; the fragmented MP4 copies the record into {@code avcC}; the playlist
 * takes the codec string and the picture size.
 *
 * @param record        the record as the publisher sent it
 * @param nalLengthSize bytes of the length before each NAL unit in a frame: 1, 2 or 4
 * @param sps           sequence parameter sets, NAL header included
 * @param pps           picture parameter sets, NAL header included
 * @param codecs        RFC 6381 codec string, {@code avc1.PPCCLL} (profile_idc, constraint flags
 *                      and level_idc of the record, in hex)
 * @param width         displayed width in pixels (cropping applied), 0 when the SPS could not be read
 * @param height        displayed height in pixels, 0 when the SPS could not be read
 */
public record AvcConfig(byte[] record, int nalLengthSize, List<byte[]> sps, List<byte[]> pps, String codecs,
                        int width, int height) {

    /** Reads the record from {@code record}'s readable bytes (indexes untouched); see {@link #parse(byte[])}. */
    public static AvcConfig parse(ByteBuf record) {
        return parse(ByteBufUtil.getBytes(record));
    }

    /**
     * Reads a record.
     *
     * @throws IllegalArgumentException when it is not a version 1 record with at least one SPS
     *                                  and every parameter set inside it
     */
    public static AvcConfig parse(byte[] record) {
        int end = record.length;
        if (end < 7 || record[0] != 1) {
            throw new IllegalArgumentException("AVCDecoderConfigurationRecord of " + end
                    + " bytes: expected version 1, 7+ bytes");
        }
        int lengthSize = (record[4] & 3) + 1;
        if (lengthSize == 3) {
            throw new IllegalArgumentException("NAL length size 3 is not allowed");
        }
        int[] at = {5};
        List<byte[]> sps = sets(record, at, record[at[0]++] & 0x1f);
        if (at[0] >= end) {
            throw new IllegalArgumentException("AVCDecoderConfigurationRecord without a PPS count");
        }
        List<byte[]> pps = sets(record, at, record[at[0]++] & 0xff);
        if (sps.isEmpty()) {
            throw new IllegalArgumentException("AVCDecoderConfigurationRecord without an SPS");
        }
        String codecs = String.format(Locale.ROOT, "avc1.%02X%02X%02X", record[1] & 0xff, record[2] & 0xff,
                record[3] & 0xff);
        int[] size = pictureSize(sps.get(0));
        return new AvcConfig(record.clone(), lengthSize, List.copyOf(sps), List.copyOf(pps), codecs, size[0], size[1]);
    }

    private static List<byte[]> sets(byte[] record, int[] at, int count) {
        List<byte[]> sets = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            if (at[0] + 2 > record.length) {
                throw new IllegalArgumentException("parameter set length beyond the record");
            }
            int length = (record[at[0]] & 0xff) << 8 | (record[at[0] + 1] & 0xff);
            at[0] += 2;
            if (length == 0 || at[0] + length > record.length) {
                throw new IllegalArgumentException("parameter set of " + length + " bytes beyond the record");
            }
            sets.add(Arrays.copyOfRange(record, at[0], at[0] + length));
            at[0] += length;
        }
        return sets;
    }

    /** Whether {@code other} has the same NAL length size and parameter sets: no new configuration. */
    public boolean sameParameterSets(AvcConfig other) {
        return other != null && nalLengthSize == other.nalLengthSize && same(sps, other.sps) && same(pps, other.pps);
    }

    private static boolean same(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Width and height from an SPS NAL unit, header byte included (ITU-T H.264, 7.3.2.1.1 and the
     * frame cropping of 7.4.2.1.1); {0, 0} when it cannot be read: the playlist then omits
     * RESOLUTION rather than guess.
     */
    public static int[] pictureSize(byte[] spsNal) {
        try {
            BitReader r = BitReader.rbsp(spsNal, 1);
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
                    for (int list = 0; list < (chromaFormat != 3 ? 8 : 12); list++) {
                        if (r.flag()) {
                            skipScalingList(r, list < 6 ? 16 : 64);
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
                for (int n = 0; n < cycle; n++) {
                    r.se();
                }
            }
            r.ue(); // max_num_ref_frames
            r.skip(1); // gaps_in_frame_num_value_allowed_flag
            int widthMbs = r.ue() + 1;
            int heightUnits = r.ue() + 1;
            boolean frameMbsOnly = r.flag();
            if (!frameMbsOnly) {
                r.skip(1); // mb_adaptive_frame_field_flag
            }
            r.skip(1); // direct_8x8_inference_flag
            int width = widthMbs * 16;
            int height = (frameMbsOnly ? 1 : 2) * heightUnits * 16;
            if (r.flag()) { // frame_cropping_flag: crop units depend on the chroma format (7.4.2.1.1)
                int chroma = separateColourPlanes ? 0 : chromaFormat;
                int cropX = chroma == 1 || chroma == 2 ? 2 : 1;
                int cropY = (chroma == 1 ? 2 : 1) * (frameMbsOnly ? 1 : 2);
                width -= (r.ue() + r.ue()) * cropX;
                height -= (r.ue() + r.ue()) * cropY;
            }
            return width > 0 && height > 0 ? new int[] {width, height} : new int[2];
        } catch (IndexOutOfBoundsException e) {
            return new int[2];
        }
    }

    private static void skipScalingList(BitReader r, int size) {
        int last = 8;
        int next = 8;
        for (int j = 0; j < size && next != 0; j++) {
            next = (last + r.se() + 256) % 256;
            last = next == 0 ? last : next;
        }
    }
}
