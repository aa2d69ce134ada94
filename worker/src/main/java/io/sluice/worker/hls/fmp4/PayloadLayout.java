package io.sluice.worker.hls.fmp4;

import io.netty.buffer.ByteBuf;

/**
 * Where the codec data starts in an RTMP audio/video payload (an FLV tag body) and the
 * composition time offset its header carries, for the codecs this package muxes.
 *
 * <p>Layouts (FLV v10.1 annex E, the HEVC/AV1/Opus CDN extensions, and veovera Enhanced RTMP v2):
 * <ul>
 * <li>legacy AVC/HEVC/AV1 video: header byte, AVCPacketType, SI24 CompositionTime, data;</li>
 * <li>legacy AAC/Opus audio: header byte, AACPacketType, data;</li>
 * <li>E-RTMP video: header byte, ModEx blocks, FourCC, then for {@code avc1}/{@code hvc1}
 *     {@code CodedFrames} an SI24 CompositionTime ({@code CodedFramesX} has none and means 0; AV1
 *     never has one), data;</li>
 * <li>E-RTMP audio: header byte, ModEx blocks, FourCC, data.</li>
 * </ul>
 * E-RTMP multitrack packets are not read ({@code null}): the muxer carries one track per kind.
 *
 * @param offset          index in the payload buffer where the codec data starts
 * @param compositionTime milliseconds from decode to presentation time (video), 0 for audio
 */
record PayloadLayout(int offset, int compositionTime) {

    private static final int PACKET_SEQUENCE_START = 0;
    private static final int PACKET_CODED_FRAMES = 1;
    private static final int VIDEO_PACKET_CODED_FRAMES_X = 3;
    private static final int VIDEO_PACKET_MPEG2TS_SEQUENCE_START = 5;
    private static final int VIDEO_PACKET_MULTITRACK = 6;
    private static final int AUDIO_PACKET_MULTITRACK = 5;
    private static final int PACKET_MOD_EX = 7;
    private static final int SOUND_FORMAT_EX_HEADER = 9;
    private static final int FOURCC_AVC = BoxWriter.type("avc1");
    private static final int FOURCC_HEVC = BoxWriter.type("hvc1");

    /**
     * The layout of a video sequence start or coded frame, or null when the header is cut short,
     * multitrack, a command or anything but a sequence start or coded frames.
     */
    static PayloadLayout video(ByteBuf payload) {
        int p = payload.readerIndex();
        int end = payload.writerIndex();
        if (end - p < 1) {
            return null;
        }
        int first = payload.getUnsignedByte(p++);
        if ((first & 0x80) == 0) {
            // Legacy: CodecID 7, 12 or 13 (the caller checked the codec), AVCPacketType, SI24.
            if (end - p < 4 || ((first >> 4) & 0x07) == 5) {
                return null;
            }
            int packetType = payload.getUnsignedByte(p);
            if (packetType != PACKET_SEQUENCE_START && packetType != PACKET_CODED_FRAMES) {
                return null;
            }
            return new PayloadLayout(p + 4, packetType == PACKET_CODED_FRAMES ? si24(payload, p + 1) : 0);
        }
        if (((first >> 4) & 0x07) == 5) {
            return null; // a command frame: one command byte, no picture
        }
        int packetType = first & 0x0f;
        int afterModEx = skipModEx(payload, p, end, packetType);
        if (afterModEx < 0) {
            return null;
        }
        if (afterModEx != p) {
            packetType = payload.getUnsignedByte(afterModEx - 1) & 0x0f;
        }
        p = afterModEx;
        if (packetType == VIDEO_PACKET_MULTITRACK || end - p < 4) {
            return null;
        }
        int fourCc = payload.getInt(p);
        p += 4;
        switch (packetType) {
            case PACKET_SEQUENCE_START, VIDEO_PACKET_MPEG2TS_SEQUENCE_START, VIDEO_PACKET_CODED_FRAMES_X -> {
                return new PayloadLayout(p, 0);
            }
            case PACKET_CODED_FRAMES -> {
                if (fourCc == FOURCC_AVC || fourCc == FOURCC_HEVC) {
                    return end - p < 3 ? null : new PayloadLayout(p + 3, si24(payload, p));
                }
                return new PayloadLayout(p, 0);
            }
            default -> {
                return null;
            }
        }
    }

    /** The layout of an audio sequence start or coded frame, or null as for {@link #video}. */
    static PayloadLayout audio(ByteBuf payload) {
        int p = payload.readerIndex();
        int end = payload.writerIndex();
        if (end - p < 2) {
            return null;
        }
        int first = payload.getUnsignedByte(p++);
        if (first >> 4 != SOUND_FORMAT_EX_HEADER) {
            int packetType = payload.getUnsignedByte(p);
            return packetType == PACKET_SEQUENCE_START || packetType == PACKET_CODED_FRAMES
                    ? new PayloadLayout(p + 1, 0) : null;
        }
        int packetType = first & 0x0f;
        int afterModEx = skipModEx(payload, p, end, packetType);
        if (afterModEx < 0) {
            return null;
        }
        if (afterModEx != p) {
            packetType = payload.getUnsignedByte(afterModEx - 1) & 0x0f;
        }
        p = afterModEx;
        if (packetType == AUDIO_PACKET_MULTITRACK || end - p < 4) {
            return null;
        }
        return packetType == PACKET_SEQUENCE_START || packetType == PACKET_CODED_FRAMES
                ? new PayloadLayout(p + 4, 0) : null;
    }

    /**
     * Skips E-RTMP v2 ModEx blocks ({@code UI8 size - 1}, or {@code UI16 size - 1} after 0xff,
     * the data, then a byte whose low nibble is the next packet type); returns the index after
     * the last one ({@code p} itself when there is none), or -1 when the payload ends inside one.
     */
    private static int skipModEx(ByteBuf payload, int p, int end, int packetType) {
        while (packetType == PACKET_MOD_EX) {
            if (end - p < 1) {
                return -1;
            }
            int size = payload.getUnsignedByte(p++) + 1;
            if (size == 256) {
                if (end - p < 2) {
                    return -1;
                }
                size = payload.getUnsignedShort(p) + 1;
                p += 2;
            }
            if (end - p < size + 1) {
                return -1;
            }
            p += size;
            packetType = payload.getUnsignedByte(p++) & 0x0f;
        }
        return p;
    }

    private static int si24(ByteBuf b, int index) {
        return b.getMedium(index); // getMedium sign-extends: CompositionTime is signed
    }
}
