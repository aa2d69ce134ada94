package io.sluice.worker.hls.fmp4;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.media.MediaTag;
import io.sluice.worker.media.PacketType;
import io.sluice.worker.stream.MediaFrame;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Fragmented MP4 for one stream: an init segment from the stream's codec configuration, then a
 * {@code moof} + {@code mdat} fragment for any run of its frames, a whole HLS segment or one
 * Low-Latency HLS part.
 *
 * <p><b>Tracks.</b> At most one video track (H.264 {@code avc1}, HEVC {@code hvc1}, AV1
 * {@code av01}; track id 1) and one audio track (AAC {@code mp4a}, Opus {@code Opus}; the next
 * id), made from the last video and the last audio sequence header given to {@link #create}.
 * A codec of another kind (VP9, MP3, ...) gets no track; its frames are skipped. E-RTMP
 * multitrack packets are skipped too.
 *
 * <p><b>Timing.</b> Video runs at {@value #VIDEO_TIMESCALE} Hz, audio at its sample rate (48 kHz
 * for Opus). A video frame's decode time is its timestamp × 90; its composition offset is the
 * FLV CompositionTime × 90 (signed, trun version 1). An audio frame starts where the previous
 * one ended (so durations are sample-exact: 1024 per AAC frame, what the TOC says per Opus
 * packet) unless its millisecond timestamp is more than half a frame later than that, which is
 * a gap in the audio: then the timestamp wins (within a fragment the frame before the gap is
 * stretched over it, as a trun's samples are contiguous). Timestamps continue across calls: the muxer keeps
 * each track's clock from one fragment to the next, and a fragment's {@code tfdt} is its first
 * sample's decode time.
 *
 * <p><b>The last video frame of a fragment.</b> A sample's duration is the distance to the next
 * frame's decode time, which for the last video frame of a fragment lies in the next fragment.
 * The caller passes it as {@code nextVideoTimestamp}: the timestamp of the first video frame
 * after this run, known when the run was cut because that frame arrived (a segment cut at the
 * next key frame, a part closed by the frame that crosses its boundary). When it is not known yet
 * (a part closed by a timer or by an audio frame), pass {@link #NEXT_UNKNOWN}: the last frame
 * then lasts as long as the last frame duration seen (1/30 s before any), and the next
 * fragment's {@code tfdt} is still the true decode time of its first frame, so an estimate
 * never shifts later fragments, it can only leave a gap or overlap of the difference at the
 * boundary. Audio needs no such hint: its frames' durations come from the codec.
 *
 * <p><b>Threads and buffers.</b> One instance per stream and track set, used on one thread.
 * Frames are lent: the muxer keeps no frame after a call returns. Every returned buffer belongs
 * to the caller, who must release it; a fragment holds retained slices of the frames' payloads
 * (the media is not copied), so it stays valid after the frames are released.
 *
 * <p><b>Configuration changes.</b> A new sequence header in a run of frames is skipped; if it
 * differs from the muxer's ({@link #sameConfiguration} is false) the caller starts a new muxer,
 * a new init segment and an HLS discontinuity.
 */
public final class Fmp4Muxer {

    /** Timescale of the video track: 90 kHz, as MPEG-TS, so millisecond timestamps are exact. */
    public static final int VIDEO_TIMESCALE = 90_000;
    /** {@code nextVideoTimestamp} when the next video frame's timestamp is not known yet. */
    public static final long NEXT_UNKNOWN = -1;

    private final ByteBufAllocator alloc;
    private final Track video;
    private final Track audio;
    private final List<Track> tracks;

    private Fmp4Muxer(ByteBufAllocator alloc, Track video, Track audio) {
        this.alloc = alloc;
        this.video = video;
        this.audio = audio;
        List<Track> list = new ArrayList<>(2);
        if (video != null) {
            list.add(video);
        }
        if (audio != null) {
            list.add(audio);
        }
        this.tracks = List.copyOf(list);
    }

    /** {@link #create(List, ByteBufAllocator)} with the default allocator. */
    public static Fmp4Muxer create(List<MediaFrame> configuration) {
        return create(configuration, ByteBufAllocator.DEFAULT);
    }

    /**
     * A muxer for the tracks that the sequence headers among {@code configuration} describe (the
     * last one of each kind wins; other frames are ignored, so a stream's whole start will do).
     *
     * @throws IllegalArgumentException when no sequence header is of a codec this muxer carries,
     *                                  or one that is has a malformed configuration record
     */
    public static Fmp4Muxer create(List<MediaFrame> configuration, ByteBufAllocator alloc) {
        Objects.requireNonNull(alloc, "alloc");
        VideoFormat videoFormat = null;
        AudioFormat audioFormat = null;
        for (MediaFrame f : configuration) {
            MediaTag tag = f.tag();
            if (!f.isSequenceHeader() || tag.trackId() != 0) {
                continue;
            }
            PayloadLayout layout = f.isVideo() ? PayloadLayout.video(f.payload()) : PayloadLayout.audio(f.payload());
            if (layout == null) {
                continue;
            }
            byte[] record = new byte[f.payload().writerIndex() - layout.offset()];
            f.payload().getBytes(layout.offset(), record);
            if (f.isVideo()) {
                VideoFormat parsed = VideoFormat.of(tag.codec(), record);
                videoFormat = parsed != null ? parsed : videoFormat;
            } else {
                AudioFormat parsed = AudioFormat.of(tag.codec(), record);
                audioFormat = parsed != null ? parsed : audioFormat;
            }
        }
        if (videoFormat == null && audioFormat == null) {
            throw new IllegalArgumentException("no sequence header of a codec fMP4 carries here (H.264, HEVC, AV1, AAC, Opus)");
        }
        Track video = videoFormat != null ? Track.video(1, videoFormat) : null;
        Track audio = audioFormat != null ? Track.audio(video != null ? 2 : 1, audioFormat) : null;
        return new Fmp4Muxer(alloc, video, audio);
    }

    public boolean hasVideo() {
        return video != null;
    }

    public boolean hasAudio() {
        return audio != null;
    }

    /**
     * The RFC 6381 codecs of the tracks, video first, for a playlist's {@code CODECS}: e.g.
     * {@code avc1.64001F,mp4a.40.2}, {@code hvc1.1.6.L93.B0,opus}, {@code av01.0.04M.08}.
     */
    public String codecs() {
        StringBuilder s = new StringBuilder();
        for (Track t : tracks) {
            if (!s.isEmpty()) {
                s.append(',');
            }
            s.append(t.isVideo() ? t.video.codecs() : t.audio.codecs());
        }
        return s.toString();
    }

    /** Picture width from the video's parameter sets; 0 without video or when they cannot be read. */
    public int width() {
        return video != null ? video.video.width() : 0;
    }

    /** Picture height, as {@link #width()}. */
    public int height() {
        return video != null ? video.video.height() : 0;
    }

    /** {@code ftyp} + {@code moov}, a new buffer on each call, owned by the caller. */
    public ByteBuf initSegment() {
        ByteBuf out = alloc.buffer(1024);
        try {
            InitSegmentWriter.write(out, tracks);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /**
     * Whether {@code frame} becomes a sample in {@link #fragment}: a coded audio or video frame of
     * this muxer's codec for that kind, on the first track, with a header that can be read.
     */
    public boolean carries(MediaFrame frame) {
        return trackOf(frame) != null && layoutOf(frame) != null;
    }

    /**
     * False when {@code frame} is a sequence header of a kind this muxer has a track for whose
     * configuration differs from the track's (or is of another codec); true for any other frame.
     */
    public boolean sameConfiguration(MediaFrame frame) {
        if (!frame.isSequenceHeader() || frame.tag().trackId() != 0) {
            return true;
        }
        Track track = frame.isVideo() ? video : audio;
        if (track == null) {
            return true;
        }
        PayloadLayout layout = frame.isVideo() ? PayloadLayout.video(frame.payload()) : PayloadLayout.audio(frame.payload());
        if (layout == null || !frame.tag().codec().equals(track.codec())) {
            return false;
        }
        byte[] own = track.isVideo() ? track.video.configuration() : track.audio.configuration();
        int length = frame.payload().writerIndex() - layout.offset();
        if (length != own.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (frame.payload().getByte(layout.offset() + i) != own[i]) {
                return false;
            }
        }
        return true;
    }

    /** {@link #fragment(List, long, long)} with {@link #NEXT_UNKNOWN}: the last video frame's duration is estimated. */
    public ByteBuf fragment(List<MediaFrame> frames, long sequenceNumber) {
        return fragment(frames, sequenceNumber, NEXT_UNKNOWN);
    }

    /**
     * One {@code moof} + {@code mdat} with every frame of {@code frames} that this muxer
     * {@linkplain #carries carries}, in order; the others (data, sequence headers, frames of other
     * codecs) are skipped. Video samples are flagged sync at key frames, so a part that starts at
     * a key frame is independent.
     *
     * @param frames             a run of the stream's frames in stream order; lent for the call
     * @param sequenceNumber     the {@code mfhd} sequence number, 0..2^32-1, increasing by one per
     *                           fragment of this muxer (the HLS part or segment counter will do)
     * @param nextVideoTimestamp the timestamp of the first video frame after this run, or
     *                           {@link #NEXT_UNKNOWN}; see the class comment
     * @return a new buffer owned by the caller
     * @throws IllegalArgumentException if no frame of {@code frames} is carried
     */
    public ByteBuf fragment(List<MediaFrame> frames, long sequenceNumber, long nextVideoTimestamp) {
        if (sequenceNumber < 0 || sequenceNumber > 0xffffffffL) {
            throw new IllegalArgumentException("sequence number " + sequenceNumber + " outside 0..2^32-1");
        }
        List<FragmentWriter.Sample> videoSamples = new ArrayList<>();
        List<FragmentWriter.Sample> audioSamples = new ArrayList<>();
        List<MediaFrame> videoFrames = new ArrayList<>();
        for (MediaFrame f : frames) {
            Track track = trackOf(f);
            PayloadLayout layout = track == null ? null : layoutOf(f);
            if (layout == null) {
                continue;
            }
            if (track == video) {
                videoFrames.add(f);
                videoSamples.add(SampleTiming.videoSample(video, f, layout));
            } else {
                audioSamples.add(SampleTiming.audioSample(audio, f, layout));
            }
        }
        if (videoSamples.isEmpty() && audioSamples.isEmpty()) {
            throw new IllegalArgumentException("none of the " + frames.size() + " frames is a sample of " + codecs());
        }
        if (video != null) {
            SampleTiming.setVideoDurations(video, videoFrames, videoSamples, nextVideoTimestamp);
        }
        SampleTiming.closeAudioGaps(audioSamples);
        List<FragmentWriter.Run> runs = new ArrayList<>(2);
        if (!videoSamples.isEmpty()) {
            runs.add(new FragmentWriter.Run(video, videoSamples));
        }
        if (!audioSamples.isEmpty()) {
            runs.add(new FragmentWriter.Run(audio, audioSamples));
        }
        return FragmentWriter.write(alloc, sequenceNumber, runs);
    }

    private Track trackOf(MediaFrame f) {
        MediaTag tag = f.tag();
        if (tag == null || tag.packetType() != PacketType.CODED_FRAMES || tag.trackId() != 0) {
            return null;
        }
        Track track = f.isVideo() ? video : audio;
        return track != null && track.codec().equals(tag.codec()) ? track : null;
    }

    private static PayloadLayout layoutOf(MediaFrame f) {
        PayloadLayout layout = f.isVideo() ? PayloadLayout.video(f.payload()) : PayloadLayout.audio(f.payload());
        return layout != null && layout.offset() < f.payload().writerIndex() ? layout : null;
    }
}
