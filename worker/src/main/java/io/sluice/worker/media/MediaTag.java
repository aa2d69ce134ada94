package io.sluice.worker.media;

import java.util.Objects;

/**
 * What one RTMP audio or video payload carries, as far as the stream layer cares: which codec,
 * whether it is decoder configuration, a key frame or a frame a slow player may skip.
 *
 * <p>Produced by {@link MediaTagReader#inspect}. A payload that cannot be read gets codec
 * {@value #UNKNOWN_CODEC} and flags that make every consumer pass it on untouched.
 *
 * <p>Sequence headers are not key frames: a sequence header is reported with
 * {@code sequenceHeader == true} (its frame type is whatever the header byte says, usually
 * {@link FrameType#KEY}), and {@link #keyframe()} is true only for coded key frames.
 *
 * @param kind           audio or video message
 * @param codec          {@code "avc1"}, {@code "hvc1"}, {@code "av01"}, {@code "vp09"}, {@code "vp08"},
 *                       {@code "h263"}, {@code "screen"}, {@code "vp6"}, {@code "vp6a"},
 *                       {@code "screen2"}, {@code "jpeg"}; audio {@code "mp4a"} (AAC), {@code "mp3"},
 *                       {@code "Opus"}, {@code "fLaC"}, {@code "ac-3"}, {@code "ec-3"}, {@code "pcm"},
 *                       {@code "pcm-le"}, {@code "adpcm"}, {@code "nellymoser"}, {@code "alaw"},
 *                       {@code "ulaw"}, {@code "speex"}, {@code "native"}; or {@value #UNKNOWN_CODEC}
 * @param enhanced       the payload uses the E-RTMP extended header (FourCC signalling)
 * @param frameType      video frame type; always {@link FrameType#NONE} for audio
 * @param sequenceHeader decoder configuration (same as {@code packetType == SEQUENCE_START})
 * @param sequenceEnd    end of sequence (same as {@code packetType == SEQUENCE_END})
 * @param trackId        E-RTMP multitrack: the first track's id in the payload; 0 otherwise
 * @param packetType     what the payload carries
 */
public record MediaTag(MediaKind kind, String codec, boolean enhanced, FrameType frameType,
                       boolean sequenceHeader, boolean sequenceEnd, int trackId, PacketType packetType) {

    /** Codec name of a payload whose codec the reader does not know or could not read. */
    public static final String UNKNOWN_CODEC = "unknown";

    public MediaTag {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(frameType, "frameType");
        Objects.requireNonNull(packetType, "packetType");
        if (trackId < 0 || trackId > 0xff) {
            throw new IllegalArgumentException("trackId " + trackId + " outside 0..255");
        }
        if (sequenceHeader != (packetType == PacketType.SEQUENCE_START)
                || sequenceEnd != (packetType == PacketType.SEQUENCE_END)) {
            throw new IllegalArgumentException("sequenceHeader=" + sequenceHeader + ", sequenceEnd="
                    + sequenceEnd + " contradict packetType " + packetType);
        }
        if (kind == MediaKind.AUDIO && frameType != FrameType.NONE) {
            throw new IllegalArgumentException("audio has no frame type, got " + frameType);
        }
    }

    /**
     * Builds a tag without an explicit packet type (convenient in tests of the stream layer): it is
     * {@code SEQUENCE_START} or {@code SEQUENCE_END} from the flags, {@code COMMAND} for a command
     * frame, {@code UNKNOWN} for an unknown frame type, otherwise {@code CODED_FRAMES}.
     */
    public MediaTag(MediaKind kind, String codec, boolean enhanced, FrameType frameType,
                    boolean sequenceHeader, boolean sequenceEnd, int trackId) {
        this(kind, codec, enhanced, frameType, sequenceHeader, sequenceEnd, trackId,
                derivePacketType(frameType, sequenceHeader, sequenceEnd));
    }

    /** A payload nothing could be read from: unknown codec, no flags set. */
    public static MediaTag unknown(MediaKind kind, boolean enhanced) {
        FrameType frameType = kind == MediaKind.AUDIO ? FrameType.NONE : FrameType.UNKNOWN;
        return new MediaTag(kind, UNKNOWN_CODEC, enhanced, frameType, false, false, 0, PacketType.UNKNOWN);
    }

    /**
     * True for a coded video key frame ({@link FrameType#KEY}, legacy frame type 1 or E-RTMP
     * {@code KeyFrame}) where a GOP starts; false for sequence headers, metadata, commands and
     * {@link FrameType#GENERATED_KEY} (a server-side seeking aid, never sent by encoders).
     */
    public boolean keyframe() {
        return kind == MediaKind.VIDEO && packetType == PacketType.CODED_FRAMES && frameType == FrameType.KEY;
    }

    /**
     * True for coded inter or disposable-inter video frames of a known codec, which a slow player
     * may skip (until the next key frame). Never audio, sequence headers or ends, key frames,
     * command or metadata packets, nor anything of an unknown codec.
     */
    public boolean droppable() {
        return kind == MediaKind.VIDEO
                && packetType == PacketType.CODED_FRAMES
                && (frameType == FrameType.INTER || frameType == FrameType.DISPOSABLE_INTER)
                && !UNKNOWN_CODEC.equals(codec);
    }

    private static PacketType derivePacketType(FrameType frameType, boolean sequenceHeader, boolean sequenceEnd) {
        if (sequenceHeader && sequenceEnd) {
            throw new IllegalArgumentException("a tag cannot be both sequence header and sequence end");
        }
        if (sequenceHeader) {
            return PacketType.SEQUENCE_START;
        }
        if (sequenceEnd) {
            return PacketType.SEQUENCE_END;
        }
        return switch (frameType) {
            case COMMAND -> PacketType.COMMAND;
            case UNKNOWN -> PacketType.UNKNOWN;
            default -> PacketType.CODED_FRAMES;
        };
    }
}
