package io.sluice.worker.hls.ts;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.media.AacConfig;
import io.sluice.worker.media.AvcConfig;
import io.sluice.worker.media.MediaKind;
import io.sluice.worker.media.MediaTag;
import io.sluice.worker.media.PacketType;

/**
 * Turns the audio and video payloads RTMP carries (FLV tag bodies) into transport stream packets:
 * H.264 (legacy AVC and Enhanced RTMP {@code avc1}), AAC and MP3. Remembers the decoder
 * configuration from the sequence headers and writes each frame with {@link TsMuxer}; which
 * streams the program has is fixed per segment ({@link #startSegment}), so a track that appears
 * later joins at the next segment.
 *
 * <p>Payloads are read, never kept or released. Not thread-safe: one per stream.
 */
public final class FlvTsMuxer {

    /** What a frame came to. */
    public enum Result {
        /** Written to the segment. */
        WRITTEN,
        /** A sequence header: the configuration changed (a new segment should start, with a discontinuity). */
        CONFIG_CHANGED,
        /** A sequence header equal to the one in use, or a frame that carries no picture or sound. */
        IGNORED,
        /** A codec a transport stream here cannot carry (HEVC, AV1, Opus, ...) or no configuration yet. */
        UNSUPPORTED,
        /** A frame of a track the current segment's program does not have (it joins at the next). */
        NOT_IN_PROGRAM,
        /** A payload that does not parse; dropped. */
        MALFORMED
    }

    private static final int LEGACY_CODEC_AVC = 7;
    private static final int SOUND_AAC = 10;
    private static final int SOUND_MP3 = 2;

    private final ByteBufAllocator alloc;
    private AvcConfig avc;
    private AacConfig aac;
    private boolean mp3;
    private TsMuxer ts;

    public FlvTsMuxer(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    public AvcConfig avc() {
        return avc;
    }

    public AacConfig aac() {
        return aac;
    }

    /** True once an MP3 frame has been seen (MP3 has no sequence header). */
    public boolean mp3() {
        return mp3;
    }

    /** The program as it would be if a segment started now; null when no track is configured. */
    public TsMuxer.Audio audioTrack() {
        return aac != null ? TsMuxer.Audio.AAC : mp3 ? TsMuxer.Audio.MP3 : TsMuxer.Audio.NONE;
    }

    /** RFC 6381 codecs of the configured tracks, comma-separated ({@code avc1.64001f,mp4a.40.2}). */
    public String codecs() {
        StringBuilder s = new StringBuilder();
        if (avc != null) {
            s.append(avc.codecs());
        }
        String a = aac != null ? aac.codecs() : mp3 ? "mp4a.40.34" : null;
        if (a != null) {
            s.append(s.length() > 0 ? "," : "").append(a);
        }
        return s.toString();
    }

    /**
     * Starts a segment: fixes the program to the tracks configured now and writes PAT and PMT.
     * Continuity counters run on while the program stays the same.
     *
     * @param audioOnly leave video out even if configured (never, in practice; for tests)
     * @return false (and nothing written) when no track is configured yet
     */
    public boolean startSegment(ByteBuf out, boolean audioOnly) {
        boolean video = avc != null && !audioOnly;
        TsMuxer.Audio audio = audioTrack();
        if (!video && audio == TsMuxer.Audio.NONE) {
            return false;
        }
        if (ts == null || ts.hasVideo() != video || ts.audio() != audio) {
            ts = new TsMuxer(video, audio);
        }
        ts.writeTables(out);
        return true;
    }

    /**
     * Writes a video payload taken at {@code timestamp} (ms, the stream's timeline: the DTS) to
     * {@code out}, or takes its configuration from it.
     */
    public Result video(long timestamp, MediaTag tag, ByteBuf payload, ByteBuf out) {
        if (tag == null || !"avc1".equals(tag.codec()) || tag.trackId() != 0) {
            return Result.UNSUPPORTED;
        }
        int base = payload.readerIndex();
        int length = payload.readableBytes();
        int dataAt;
        int cts = 0;
        if (tag.enhanced()) {
            // E-RTMP: header byte, FourCC, then (CodedFrames only) a 24-bit composition time.
            int packetType = length > 0 ? payload.getUnsignedByte(base) & 0x0F : -1;
            dataAt = 5;
            if (packetType == 1) {
                if (length < 8) {
                    return Result.MALFORMED;
                }
                cts = payload.getMedium(base + 5);
                dataAt = 8;
            }
        } else {
            if (length < 5 || (payload.getUnsignedByte(base) & 0x0F) != LEGACY_CODEC_AVC) {
                return Result.MALFORMED;
            }
            cts = payload.getMedium(base + 2); // signed 24 bits (FLV CompositionTime)
            dataAt = 5;
        }
        if (length < dataAt) {
            return Result.MALFORMED;
        }
        ByteBuf body = payload.slice(base + dataAt, length - dataAt);
        if (tag.sequenceHeader()) {
            AvcConfig next;
            try {
                next = AvcConfig.parse(body);
            } catch (IllegalArgumentException e) {
                return Result.MALFORMED;
            }
            if (next.sameParameterSets(avc)) {
                return Result.IGNORED;
            }
            avc = next;
            return Result.CONFIG_CHANGED;
        }
        if (tag.packetType() != PacketType.CODED_FRAMES || !body.isReadable()) {
            return Result.IGNORED;
        }
        if (avc == null) {
            return Result.UNSUPPORTED;
        }
        if (ts == null || !ts.hasVideo()) {
            return Result.NOT_IN_PROGRAM;
        }
        ByteBuf annexB = alloc.buffer(body.readableBytes() + 64);
        try {
            AnnexBWriter.write(avc, body, tag.keyframe(), annexB);
            long dts = timestamp * 90;
            ts.writeVideo(out, dts, dts + cts * 90L, tag.keyframe(), annexB);
            return Result.WRITTEN;
        } catch (IllegalArgumentException e) {
            return Result.MALFORMED;
        } finally {
            annexB.release();
        }
    }

    /** Writes an audio payload taken at {@code timestamp} (ms) to {@code out}, or takes its configuration. */
    public Result audio(long timestamp, MediaTag tag, ByteBuf payload, ByteBuf out) {
        if (tag == null || tag.kind() != MediaKind.AUDIO || tag.enhanced() || !payload.isReadable()) {
            return Result.UNSUPPORTED;
        }
        int base = payload.readerIndex();
        int format = payload.getUnsignedByte(base) >> 4;
        if (format == SOUND_MP3) {
            if (payload.readableBytes() < 2) {
                return Result.IGNORED;
            }
            boolean first = !mp3;
            mp3 = true;
            if (first && aac == null) {
                return Result.CONFIG_CHANGED;
            }
            return write(timestamp, payload.slice(base + 1, payload.readableBytes() - 1), out, TsMuxer.Audio.MP3, null);
        }
        if (format != SOUND_AAC) {
            return Result.UNSUPPORTED;
        }
        if (payload.readableBytes() < 2) {
            return Result.MALFORMED;
        }
        ByteBuf body = payload.slice(base + 2, payload.readableBytes() - 2);
        if (payload.getUnsignedByte(base + 1) == 0) {
            AacConfig next;
            try {
                next = AacConfig.parse(body);
            } catch (IllegalArgumentException e) {
                return Result.MALFORMED;
            }
            if (!AdtsWriter.canSignal(next)) {
                return Result.MALFORMED;
            }
            if (next.sameConfig(aac)) {
                return Result.IGNORED;
            }
            aac = next;
            return Result.CONFIG_CHANGED;
        }
        if (aac == null) {
            return Result.UNSUPPORTED;
        }
        if (!body.isReadable()) {
            return Result.IGNORED;
        }
        if (body.readableBytes() > AdtsWriter.MAX_FRAME) {
            return Result.MALFORMED;
        }
        return write(timestamp, body, out, TsMuxer.Audio.AAC, aac);
    }

    private Result write(long timestamp, ByteBuf frame, ByteBuf out, TsMuxer.Audio kind, AacConfig adts) {
        if (ts == null || ts.audio() != kind) {
            return Result.NOT_IN_PROGRAM;
        }
        if (adts == null) {
            ts.writeAudio(out, timestamp * 90, frame);
            return Result.WRITTEN;
        }
        ByteBuf framed = alloc.buffer(frame.readableBytes() + 7);
        try {
            AdtsWriter.writeHeader(adts, frame.readableBytes(), framed);
            framed.writeBytes(frame, frame.readerIndex(), frame.readableBytes());
            ts.writeAudio(out, timestamp * 90, framed);
            return Result.WRITTEN;
        } finally {
            framed.release();
        }
    }
}
