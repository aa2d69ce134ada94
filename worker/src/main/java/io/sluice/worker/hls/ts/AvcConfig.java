package io.sluice.worker.hls.ts;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An H.264 stream's decoder configuration, from the AVCDecoderConfigurationRecord that RTMP
 * sends as the AVC sequence header (ISO/IEC 14496-15, 5.3.3.1), and what a transport stream and a
 * playlist need from it: the parameter sets to repeat before each IDR picture, the NAL length
 * size to turn AVCC into Annex B, the codec string and the picture size.
 *
 * @param nalLengthSize bytes of the length before each NAL unit in a frame: 1, 2 or 4
 * @param sps           sequence parameter sets, NAL header included
 * @param pps           picture parameter sets, NAL header included
 * @param codecs        RFC 6381 codec string, {@code avc1.PPCCLL}
 * @param width         displayed width in pixels (cropping applied), 0 when the SPS could not be read
 * @param height        displayed height in pixels, 0 when the SPS could not be read
 */
public record AvcConfig(int nalLengthSize, List<byte[]> sps, List<byte[]> pps, String codecs, int width, int height) {

    private static final byte[] START_CODE = {0, 0, 0, 1};
    /** An access unit delimiter, primary_pic_type 7 (any slice type): HLS wants one per access unit. */
    private static final byte[] AUD = {0, 0, 0, 1, 9, (byte) 0xF0};
    private static final int NAL_SPS = 7;
    private static final int NAL_AUD = 9;

    /**
     * Reads the record from {@code record}'s readable bytes (indexes untouched).
     *
     * @throws IllegalArgumentException when it is not a version 1 record with at least one SPS
     */
    public static AvcConfig parse(ByteBuf record) {
        int i = record.readerIndex();
        int end = record.writerIndex();
        if (end - i < 7 || record.getUnsignedByte(i) != 1) {
            throw new IllegalArgumentException("not an AVCDecoderConfigurationRecord version 1");
        }
        int lengthSize = (record.getUnsignedByte(i + 4) & 3) + 1;
        if (lengthSize == 3) {
            throw new IllegalArgumentException("NAL length size 3 is not allowed");
        }
        int[] at = {i + 5};
        List<byte[]> sps = sets(record, at, end, record.getUnsignedByte(at[0]++) & 0x1f);
        if (at[0] >= end) {
            throw new IllegalArgumentException("AVCDecoderConfigurationRecord without a PPS count");
        }
        List<byte[]> pps = sets(record, at, end, record.getUnsignedByte(at[0]++));
        if (sps.isEmpty()) {
            throw new IllegalArgumentException("AVCDecoderConfigurationRecord without an SPS");
        }
        byte[] first = sps.get(0);
        if (first.length < 4) {
            throw new IllegalArgumentException("SPS too short");
        }
        String codecs = String.format(Locale.ROOT, "avc1.%02x%02x%02x", first[1] & 0xff, first[2] & 0xff, first[3] & 0xff);
        int[] size = pictureSize(first);
        return new AvcConfig(lengthSize, List.copyOf(sps), List.copyOf(pps), codecs, size[0], size[1]);
    }

    private static List<byte[]> sets(ByteBuf record, int[] at, int end, int count) {
        List<byte[]> sets = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            if (at[0] + 2 > end) {
                throw new IllegalArgumentException("parameter set length beyond the record");
            }
            int length = record.getUnsignedShort(at[0]);
            at[0] += 2;
            if (length == 0 || at[0] + length > end) {
                throw new IllegalArgumentException("parameter set of " + length + " bytes beyond the record");
            }
            byte[] set = new byte[length];
            record.getBytes(at[0], set);
            at[0] += length;
            sets.add(set);
        }
        return sets;
    }

    /**
     * Width and height from an SPS (ITU-T H.264, 7.3.2.1.1 and the frame cropping of 7.4.2.1.1);
     * {0, 0} when it cannot be read: the playlist then omits RESOLUTION rather than guess.
     */
    static int[] pictureSize(byte[] spsNal) {
        try {
            BitReader r = new BitReader(BitReader.rbsp(spsNal), 1);
            int profile = r.bits(8);
            r.skip(16); // constraint flags, level
            r.ue(); // seq_parameter_set_id
            int chromaFormat = 1;
            boolean separateColourPlanes = false;
            if (profile == 100 || profile == 110 || profile == 122 || profile == 244 || profile == 44
                    || profile == 83 || profile == 86 || profile == 118 || profile == 128 || profile == 138
                    || profile == 139 || profile == 134 || profile == 135) {
                chromaFormat = r.ue();
                if (chromaFormat == 3) {
                    separateColourPlanes = r.bit() == 1;
                }
                r.ue(); // bit_depth_luma_minus8
                r.ue(); // bit_depth_chroma_minus8
                r.bit(); // qpprime_y_zero_transform_bypass_flag
                if (r.bit() == 1) { // seq_scaling_matrix_present_flag
                    for (int list = 0; list < (chromaFormat != 3 ? 8 : 12); list++) {
                        if (r.bit() == 1) {
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
                r.bit();
                r.se();
                r.se();
                int cycle = r.ue();
                for (int n = 0; n < cycle; n++) {
                    r.se();
                }
            }
            r.ue(); // max_num_ref_frames
            r.bit(); // gaps_in_frame_num_value_allowed_flag
            int widthMbs = r.ue() + 1;
            int heightUnits = r.ue() + 1;
            int frameMbsOnly = r.bit();
            if (frameMbsOnly == 0) {
                r.bit(); // mb_adaptive_frame_field_flag
            }
            r.bit(); // direct_8x8_inference_flag
            int width = widthMbs * 16;
            int height = (2 - frameMbsOnly) * heightUnits * 16;
            if (r.bit() == 1) { // frame_cropping_flag
                int arrayType = separateColourPlanes ? 0 : chromaFormat;
                int cropX = arrayType == 0 ? 1 : (arrayType == 3 ? 1 : 2);
                int cropY = (arrayType == 0 ? 1 : (arrayType == 1 ? 2 : 1)) * (2 - frameMbsOnly);
                width -= (r.ue() + r.ue()) * cropX;
                height -= (r.ue() + r.ue()) * cropY;
            }
            return width > 0 && height > 0 ? new int[] {width, height} : new int[] {0, 0};
        } catch (IllegalArgumentException e) {
            return new int[] {0, 0};
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

    /**
     * Writes one access unit, given as AVCC (each NAL unit behind its length), to {@code out} as
     * Annex B: an access unit delimiter first, then, on a key frame whose encoder did not repeat
     * them, the SPS and PPS (a player that joins at this segment has seen no sequence header),
     * then the frame's NAL units, each behind a 4-byte start code. Its own delimiters are dropped
     * (one per access unit). Reads {@code avcc}'s readable bytes, indexes untouched.
     *
     * @throws IllegalArgumentException when a NAL length runs past the frame; nothing is written then
     */
    public void writeAnnexB(ByteBuf avcc, boolean keyframe, ByteBuf out) {
        int start = avcc.readerIndex();
        int end = avcc.writerIndex();
        boolean hasSps = false;
        for (int i = start; i < end; ) {
            int length = nalLength(avcc, i, end);
            if (length > 0 && (avcc.getByte(i + nalLengthSize) & 0x1f) == NAL_SPS) {
                hasSps = true;
            }
            i += nalLengthSize + length;
        }
        out.writeBytes(AUD);
        if (keyframe && !hasSps) {
            for (byte[] s : sps) {
                out.writeBytes(START_CODE).writeBytes(s);
            }
            for (byte[] p : pps) {
                out.writeBytes(START_CODE).writeBytes(p);
            }
        }
        for (int i = start; i < end; ) {
            int length = nalLength(avcc, i, end);
            i += nalLengthSize;
            if (length > 0 && (avcc.getByte(i) & 0x1f) != NAL_AUD) {
                out.writeBytes(START_CODE).writeBytes(avcc, i, length);
            }
            i += length;
        }
    }

    private int nalLength(ByteBuf avcc, int i, int end) {
        if (i + nalLengthSize > end) {
            throw new IllegalArgumentException("NAL length field runs past the frame");
        }
        int length = switch (nalLengthSize) {
            case 1 -> avcc.getUnsignedByte(i);
            case 2 -> avcc.getUnsignedShort(i);
            default -> avcc.getInt(i);
        };
        if (length < 0 || length > end - i - nalLengthSize) {
            throw new IllegalArgumentException("NAL unit of " + length + " bytes runs past the frame");
        }
        return length;
    }
}
