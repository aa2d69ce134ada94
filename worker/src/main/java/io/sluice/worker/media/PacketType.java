package io.sluice.worker.media;

/**
 * What a media payload carries, unified over the legacy {@code AVCPacketType}/{@code AACPacketType}
 * byte and the E-RTMP {@code VideoPacketType}/{@code AudioPacketType} nibble.
 */
public enum PacketType {
    /**
     * Decoder configuration a player needs before any frame: legacy AVC/HEVC/AV1/AAC/Opus sequence
     * header, E-RTMP {@code SequenceStart} and {@code MPEG2TSSequenceStart} (its mutually exclusive
     * twin for MPEG-2 TS carriage of AV1).
     */
    SEQUENCE_START,
    /** Media frames: legacy NALUs/raw data and E-RTMP {@code CodedFrames} and {@code CodedFramesX}. */
    CODED_FRAMES,
    /** End of sequence: legacy {@code AVCPacketType} 2, E-RTMP {@code SequenceEnd}. */
    SEQUENCE_END,
    /**
     * E-RTMP audio {@code MultichannelConfig}: channel order/mapping for codecs that do not describe
     * it themselves; like a sequence start, a late joiner needs the latest one.
     */
    MULTICHANNEL_CONFIG,
    /** E-RTMP video {@code Metadata}: AMF-encoded values such as HDR {@code colorInfo}, no picture. */
    METADATA,
    /** A video command frame ({@link FrameType#COMMAND}): seek start/end, no picture. */
    COMMAND,
    /** A reserved packet type, or a payload too short or too foreign to tell. */
    UNKNOWN
}
