package io.sluice.worker.hls.ts;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.media.AvcConfig;

/**
 * Turns an H.264 access unit from the AVCC form RTMP carries (each NAL unit behind its length)
 * into the Annex B form a transport stream needs (each behind a start code).
 */
final class AnnexBWriter {

    private static final byte[] START_CODE = {0, 0, 0, 1};
    /** An access unit delimiter, primary_pic_type 7 (any slice type): HLS wants one per access unit. */
    private static final byte[] AUD = {0, 0, 0, 1, 9, (byte) 0xF0};
    private static final int NAL_SPS = 7;
    private static final int NAL_AUD = 9;

    private AnnexBWriter() {
    }

    /**
     * Writes one access unit to {@code out} as Annex B: an access unit delimiter first, then, on a
     * key frame whose encoder did not repeat them, the SPS and PPS of {@code avc} (a player that
     * joins at this segment has seen no sequence header), then the frame's NAL units. Its own
     * delimiters are dropped (one per access unit). Reads {@code avcc}'s readable bytes, indexes
     * untouched.
     *
     * @throws IllegalArgumentException when a NAL length runs past the frame; nothing is written then
     */
    static void write(AvcConfig avc, ByteBuf avcc, boolean keyframe, ByteBuf out) {
        int lengthSize = avc.nalLengthSize();
        int start = avcc.readerIndex();
        int end = avcc.writerIndex();
        boolean hasSps = false;
        for (int i = start; i < end; ) {
            int length = nalLength(avcc, lengthSize, i, end);
            if (length > 0 && (avcc.getByte(i + lengthSize) & 0x1f) == NAL_SPS) {
                hasSps = true;
            }
            i += lengthSize + length;
        }
        out.writeBytes(AUD);
        if (keyframe && !hasSps) {
            for (byte[] s : avc.sps()) {
                out.writeBytes(START_CODE).writeBytes(s);
            }
            for (byte[] p : avc.pps()) {
                out.writeBytes(START_CODE).writeBytes(p);
            }
        }
        for (int i = start; i < end; ) {
            int length = nalLength(avcc, lengthSize, i, end);
            i += lengthSize;
            if (length > 0 && (avcc.getByte(i) & 0x1f) != NAL_AUD) {
                out.writeBytes(START_CODE).writeBytes(avcc, i, length);
            }
            i += length;
        }
    }

    private static int nalLength(ByteBuf avcc, int lengthSize, int i, int end) {
        if (i + lengthSize > end) {
            throw new IllegalArgumentException("NAL length field runs past the frame");
        }
        int length = switch (lengthSize) {
            case 1 -> avcc.getUnsignedByte(i);
            case 2 -> avcc.getUnsignedShort(i);
            default -> avcc.getInt(i);
        };
        if (length < 0 || length > end - i - lengthSize) {
            throw new IllegalArgumentException("NAL unit of " + length + " bytes runs past the frame");
        }
        return length;
    }
}
