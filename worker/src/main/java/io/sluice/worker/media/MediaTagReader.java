package io.sluice.worker.media;

import io.netty.buffer.ByteBuf;

import java.util.Objects;

/**
 * Reads the header of an RTMP audio/video payload (an FLV tag body) into a {@link MediaTag}.
 *
 * <p>Covers the legacy FLV headers (Adobe FLV spec v10.1, E.4.2 and E.4.3, plus the CDN
 * extensions HEVC = 12 and AV1 = 13 for video and Opus = 13 for audio) and Enhanced RTMP v1/v2
 * (veovera {@code enhanced-rtmp-v2}: ExVideoTagHeader and ExAudioTagHeader with FourCC,
 * ModEx, Multitrack).
 *
 * <p>Contract: "the server never rejects or mangles a codec". Inspection never throws on any byte
 * sequence and never moves the buffer's reader or writer index; it only reads the readable bytes.
 * What it cannot make sense of (empty payload, truncated header, unknown codec id or FourCC,
 * reserved packet types) comes back as codec {@value MediaTag#UNKNOWN_CODEC} and/or
 * {@link PacketType#UNKNOWN}, neither key frame nor droppable, so the stream layer relays it as is.
 */
public final class MediaTagReader {

    /** RTMP message type of audio data, and FLV tag type of an audio tag. */
    public static final int AUDIO_MESSAGE = 8;
    /** RTMP message type of video data, and FLV tag type of a video tag. */
    public static final int VIDEO_MESSAGE = 9;

    // E-RTMP VideoPacketType / AudioPacketType values that steer the header parse.
    private static final int PACKET_SEQUENCE_START = 0;
    private static final int PACKET_CODED_FRAMES = 1;
    private static final int PACKET_SEQUENCE_END = 2;
    private static final int VIDEO_PACKET_CODED_FRAMES_X = 3;
    private static final int VIDEO_PACKET_METADATA = 4;
    private static final int VIDEO_PACKET_MPEG2TS_SEQUENCE_START = 5;
    private static final int VIDEO_PACKET_MULTITRACK = 6;
    private static final int AUDIO_PACKET_MULTICHANNEL_CONFIG = 4;
    private static final int AUDIO_PACKET_MULTITRACK = 5;
    private static final int PACKET_MOD_EX = 7;
    /** AvMultitrackType.ManyTracksManyCodecs; 3..15 are reserved. */
    private static final int MULTITRACK_MANY_TRACKS_MANY_CODECS = 2;
    /** SoundFormat 9 switches the audio header to FourCC mode (was "reserved" in legacy FLV). */
    private static final int SOUND_FORMAT_EX_HEADER = 9;
    private static final int SOUND_FORMAT_AAC = 10;
    private static final int SOUND_FORMAT_OPUS = 13;

    private MediaTagReader() {
    }

    /**
     * Inspects an RTMP audio (8) or video (9) message body.
     *
     * @throws IllegalArgumentException if {@code messageType} is neither 8 nor 9 (a caller bug; the
     *                                  payload bytes themselves never cause an exception)
     */
    public static MediaTag inspect(int messageType, ByteBuf payload) {
        return switch (messageType) {
            case AUDIO_MESSAGE -> inspectAudio(payload);
            case VIDEO_MESSAGE -> inspectVideo(payload);
            default -> throw new IllegalArgumentException(
                    "message type " + messageType + " is not audio (8) or video (9)");
        };
    }

    /** Inspects a video payload (FLV VIDEODATA / E-RTMP ExVideoTagHeader). */
    public static MediaTag inspectVideo(ByteBuf payload) {
        Cursor in = new Cursor(payload);
        int first = in.u8();
        if (first < 0) {
            return MediaTag.unknown(MediaKind.VIDEO, false);
        }
        // E-RTMP: the top bit of the old 4-bit FrameType is IsExVideoHeader; legacy frame types
        // only ever used 1..5, so the remaining 3 bits keep their meaning in both modes.
        FrameType frameType = FrameType.ofVideoBits((first >> 4) & 0x07);
        return (first & 0x80) != 0
                ? enhancedVideo(frameType, first & 0x0f, in)
                : legacyVideo(frameType, first & 0x0f, in);
    }

    /** Inspects an audio payload (FLV AUDIODATA / E-RTMP ExAudioTagHeader). */
    public static MediaTag inspectAudio(ByteBuf payload) {
        Cursor in = new Cursor(payload);
        int first = in.u8();
        if (first < 0) {
            // E-RTMP v2 documents the empty audio message as "audio silence"; nothing to classify.
            return MediaTag.unknown(MediaKind.AUDIO, false);
        }
        int soundFormat = first >> 4;
        return soundFormat == SOUND_FORMAT_EX_HEADER
                ? enhancedAudio(first & 0x0f, in)
                : legacyAudio(soundFormat, in);
    }

    private static MediaTag legacyVideo(FrameType frameType, int codecId, Cursor in) {
        String codec = legacyVideoCodec(codecId);
        if (codec == null) {
            // Without knowing the codec we cannot know whether a packet type byte follows, so we
            // cannot tell a sequence header from a frame: claim nothing.
            return MediaTag.unknown(MediaKind.VIDEO, false);
        }
        if (frameType == FrameType.COMMAND) {
            // FLV E.4.3.1: with FrameType 5 the body is one UI8 command, no AVCPacketType.
            return video(codec, false, frameType, PacketType.COMMAND, 0);
        }
        if (codecId == 7 || codecId == 12 || codecId == 13) {
            // AVCPacketType (and the HEVC/AV1 CDN extensions): 0 = sequence header, 1 = NALU/OBU,
            // 2 = end of sequence; the SI24 CompositionTime after it does not matter here.
            PacketType packetType = legacyPacketType(in.u8(), true);
            return packetType == null ? MediaTag.unknown(MediaKind.VIDEO, false)
                    : video(codec, false, frameType, packetType, 0);
        }
        return video(codec, false, frameType, PacketType.CODED_FRAMES, 0);
    }

    private static MediaTag enhancedVideo(FrameType frameType, int firstPacketType, Cursor in) {
        int packetType = skipModEx(firstPacketType, in);
        if (packetType < 0) {
            return MediaTag.unknown(MediaKind.VIDEO, true);
        }
        if (packetType != VIDEO_PACKET_METADATA && frameType == FrameType.COMMAND) {
            // E-RTMP v2, ExVideoTagHeader: a command frame is followed by the UI8 VideoCommand and
            // nothing else; no FourCC names the codec.
            return video(MediaTag.UNKNOWN_CODEC, true, FrameType.COMMAND, PacketType.COMMAND, 0);
        }
        ExHeader h = exHeader(packetType, VIDEO_PACKET_MULTITRACK, in);
        if (h == null) {
            return MediaTag.unknown(MediaKind.VIDEO, true);
        }
        PacketType kind = switch (h.packetType) {
            case PACKET_SEQUENCE_START, VIDEO_PACKET_MPEG2TS_SEQUENCE_START -> PacketType.SEQUENCE_START;
            case PACKET_CODED_FRAMES, VIDEO_PACKET_CODED_FRAMES_X -> PacketType.CODED_FRAMES;
            case PACKET_SEQUENCE_END -> PacketType.SEQUENCE_END;
            case VIDEO_PACKET_METADATA -> PacketType.METADATA;
            default -> PacketType.UNKNOWN;
        };
        // "If VideoPacketType.Metadata is present, the FrameType flags ... should be ignored."
        FrameType reported = kind == PacketType.METADATA ? FrameType.NONE : frameType;
        // The ExVideoTagHeader layout does not depend on the codec, so an unknown FourCC still has
        // a trustworthy packet type and frame type: its sequence starts get cached and its key
        // frames start GOPs; only droppable() refuses to skip frames of a codec we do not know.
        return video(enhancedVideoCodec(h.fourCc), true, reported, kind, h.trackId);
    }

    private static MediaTag legacyAudio(int soundFormat, Cursor in) {
        String codec = legacyAudioCodec(soundFormat);
        if (codec == null) {
            return MediaTag.unknown(MediaKind.AUDIO, false);
        }
        if (soundFormat == SOUND_FORMAT_AAC || soundFormat == SOUND_FORMAT_OPUS) {
            // AACPacketType: 0 = AudioSpecificConfig, 1 = raw frame. CDNs that carry Opus as
            // SoundFormat 13 use the same byte (0 = OpusHead, 1 = raw), e.g. ireader/media-server.
            PacketType packetType = legacyPacketType(in.u8(), false);
            return packetType == null ? MediaTag.unknown(MediaKind.AUDIO, false)
                    : audio(codec, false, packetType, 0);
        }
        return audio(codec, false, PacketType.CODED_FRAMES, 0);
    }

    private static MediaTag enhancedAudio(int firstPacketType, Cursor in) {
        int packetType = skipModEx(firstPacketType, in);
        if (packetType < 0) {
            return MediaTag.unknown(MediaKind.AUDIO, true);
        }
        ExHeader h = exHeader(packetType, AUDIO_PACKET_MULTITRACK, in);
        if (h == null) {
            return MediaTag.unknown(MediaKind.AUDIO, true);
        }
        PacketType kind = switch (h.packetType) {
            case PACKET_SEQUENCE_START -> PacketType.SEQUENCE_START;
            case PACKET_CODED_FRAMES -> PacketType.CODED_FRAMES;
            case PACKET_SEQUENCE_END -> PacketType.SEQUENCE_END;
            case AUDIO_PACKET_MULTICHANNEL_CONFIG -> PacketType.MULTICHANNEL_CONFIG;
            default -> PacketType.UNKNOWN;
        };
        return audio(enhancedAudioCodec(h.fourCc), true, kind, h.trackId);
    }

    /**
     * The AVCPacketType / AACPacketType byte of a legacy header (also used by the HEVC, AV1 and
     * Opus CDN extensions): 0 = sequence header, 1 = coded frames, 2 = end of sequence (video only).
     * Null when the payload ended before it.
     */
    private static PacketType legacyPacketType(int value, boolean sequenceEndDefined) {
        return switch (value) {
            case -1 -> null;
            case 0 -> PacketType.SEQUENCE_START;
            case 1 -> PacketType.CODED_FRAMES;
            case 2 -> sequenceEndDefined ? PacketType.SEQUENCE_END : PacketType.UNKNOWN;
            default -> PacketType.UNKNOWN;
        };
    }

    /** The rest of an E-RTMP header after its ModEx blocks: packet type, FourCC, first track id. */
    private record ExHeader(int packetType, int fourCc, int trackId) {
    }

    /**
     * Reads what ExVideoTagHeader and ExAudioTagHeader lay out alike after the ModEx blocks: for a
     * multitrack packet ({@code packetType == multitrack}) the AvMultitrackType byte with the
     * packet type that applies to every track, then a FourCC (the shared one for OneTrack and
     * ManyTracks, the first track's own for ManyTracksManyCodecs) and, for multitrack, the first
     * track's id. Null when the payload ends early or the multitrack byte is invalid.
     */
    private static ExHeader exHeader(int packetType, int multitrack, Cursor in) {
        boolean tracks = packetType == multitrack;
        if (tracks) {
            int types = in.u8();
            if (types < 0) {
                return null;
            }
            // The packet type after the multitrack type MUST NOT be Multitrack again; ModEx is only
            // defined before Multitrack; multitrack types 3..15 are reserved.
            packetType = types & 0x0f;
            if ((types >> 4) > MULTITRACK_MANY_TRACKS_MANY_CODECS || packetType == multitrack
                    || packetType == PACKET_MOD_EX) {
                return null;
            }
        }
        long fourCc = in.u32();
        if (fourCc < 0) {
            return null;
        }
        int trackId = 0;
        if (tracks) {
            trackId = in.u8();
            if (trackId < 0) {
                return null;
            }
        }
        return new ExHeader(packetType, (int) fourCc, trackId);
    }

    /**
     * Skips E-RTMP v2 ModEx blocks: {@code size = UI8 + 1} (if that is 256, {@code size = UI16 + 1}),
     * {@code size} bytes of data, then one byte with the ModEx type (high nibble, e.g.
     * TimestampOffsetNano) and the next packet type (low nibble). Returns the first packet type
     * that is not ModEx, or -1 when the payload ends inside a block. Every round consumes at least
     * three bytes, so the loop ends with the payload.
     */
    private static int skipModEx(int packetType, Cursor in) {
        while (packetType == PACKET_MOD_EX) {
            int size = in.u8();
            if (size < 0) {
                return -1;
            }
            size += 1;
            if (size == 256) {
                size = in.u16();
                if (size < 0) {
                    return -1;
                }
                size += 1;
            }
            if (!in.skip(size)) {
                return -1;
            }
            int next = in.u8();
            if (next < 0) {
                return -1;
            }
            packetType = next & 0x0f;
        }
        return packetType;
    }

    private static MediaTag video(String codec, boolean enhanced, FrameType frameType, PacketType packetType,
                                  int trackId) {
        return new MediaTag(MediaKind.VIDEO, codec, enhanced, frameType,
                packetType == PacketType.SEQUENCE_START, packetType == PacketType.SEQUENCE_END, trackId, packetType);
    }

    private static MediaTag audio(String codec, boolean enhanced, PacketType packetType, int trackId) {
        return new MediaTag(MediaKind.AUDIO, codec, enhanced, FrameType.NONE,
                packetType == PacketType.SEQUENCE_START, packetType == PacketType.SEQUENCE_END, trackId, packetType);
    }

    /** FLV VideoTagHeader CodecID; null when unknown. */
    private static String legacyVideoCodec(int codecId) {
        return switch (codecId) {
            case 1 -> "jpeg";      // "currently unused" in FLV v10.1, but defined
            case 2 -> "h263";      // Sorenson H.263
            case 3 -> "screen";    // Screen video
            case 4 -> "vp6";       // On2 VP6
            case 5 -> "vp6a";      // On2 VP6 with alpha channel
            case 6 -> "screen2";   // Screen video version 2
            case 7 -> "avc1";
            case 12 -> "hvc1";     // CDN-Union / Chinese CDNs and ffmpeg forks
            case 13 -> "av01";     // tencentyun/flv "FLV extension for AV1"
            default -> null;
        };
    }

    /** FLV AudioTagHeader SoundFormat; null when unknown. */
    private static String legacyAudioCodec(int soundFormat) {
        return switch (soundFormat) {
            case 0 -> "pcm";          // linear PCM, platform endian
            case 1 -> "adpcm";
            case 2, 14 -> "mp3";      // 14 = MP3 8 kHz
            case 3 -> "pcm-le";       // linear PCM, little endian
            case 4, 5, 6 -> "nellymoser";
            case 7 -> "alaw";         // G.711 A-law
            case 8 -> "ulaw";         // G.711 mu-law
            case 10 -> "mp4a";        // AAC
            case 11 -> "speex";
            case 13 -> "Opus";        // CDN extension, not in the Adobe spec
            case 15 -> "native";      // device-specific sound
            default -> null;
        };
    }

    private static String enhancedVideoCodec(int fourCc) {
        return switch (fourCc) {
            case 0x61766331 -> "avc1";
            case 0x68766331 -> "hvc1";
            case 0x61763031 -> "av01";
            case 0x76703039 -> "vp09";
            case 0x76703038 -> "vp08";
            default -> MediaTag.UNKNOWN_CODEC;
        };
    }

    private static String enhancedAudioCodec(int fourCc) {
        return switch (fourCc) {
            case 0x4f707573 -> "Opus";
            case 0x6d703461 -> "mp4a";
            case 0x664c6143 -> "fLaC";
            case 0x61632d33 -> "ac-3";
            case 0x65632d33 -> "ec-3";
            case 0x2e6d7033 -> "mp3";   // FourCC ".mp3", named like legacy MP3
            default -> MediaTag.UNKNOWN_CODEC;
        };
    }

    /**
     * Reads forward from the reader index up to the writer index with absolute gets, so the
     * buffer's indexes never move. Every read returns -1 (or false) instead of running past the end.
     */
    private static final class Cursor {
        private final ByteBuf buf;
        private final int end;
        private int position;

        Cursor(ByteBuf buf) {
            this.buf = Objects.requireNonNull(buf, "payload");
            this.position = buf.readerIndex();
            this.end = buf.writerIndex();
        }

        int u8() {
            return end - position >= 1 ? buf.getUnsignedByte(position++) : -1;
        }

        int u16() {
            if (end - position < 2) {
                return -1;
            }
            int value = buf.getUnsignedShort(position);
            position += 2;
            return value;
        }

        long u32() {
            if (end - position < 4) {
                return -1;
            }
            long value = buf.getUnsignedInt(position);
            position += 4;
            return value;
        }

        boolean skip(int length) {
            if (end - position < length) {
                return false;
            }
            position += length;
            return true;
        }
    }
}
