package io.sluice.worker.hls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import io.sluice.worker.hls.fmp4.Fmp4Muxer;
import io.sluice.worker.stream.LiveStream;
import io.sluice.worker.stream.MediaFrame;
import io.sluice.worker.stream.Subscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

/**
 * Cuts one publish of a stream into fragmented-MP4 segments ({@link Fmp4Muxer}), each made of
 * fragments of about {@code hls.part}: with Low-Latency HLS every fragment is also a part of its
 * own. A subscriber of the stream on the owning worker, fed like a player (GOP cache first).
 *
 * <p>A segment starts at a video key frame and ends at the first key frame after {@code
 * hls.segment} (a stream without video: at any audio frame). A part ends before the frame that
 * would make it longer than the part target, so no part is longer than {@code EXT-X-PART-INF}
 * says (4.4.3.7), and always at a segment's end. A fragment is made when its part ends, on this
 * event loop (the muxer only writes box headers and keeps slices of the frames), and handed to
 * the file thread. A new decoder configuration (a codec change, a new SPS) ends the segment at
 * the next key frame; the next one gets a new init segment and a discontinuity.
 */
final class Fmp4Segmenter implements Subscriber {

    private static final Logger log = LoggerFactory.getLogger(Fmp4Segmenter.class);
    /** An A/V stream whose video has not come after this much audio is segmented as audio only. */
    private static final long AUDIO_ONLY_AFTER_MS = 1500;
    /** Duration given to the last video frame of a publish, before any step was seen (30 fps). */
    private static final long DEFAULT_STEP_MS = 33;

    private final LiveStream stream;
    private final EventExecutor loop;
    private final Executor io;
    private final StreamFiles files;
    private final HlsService.Limits limits;
    private final ByteBufAllocator alloc;
    private final LongSupplier clock;
    private final Runnable onEnd;
    private boolean active = true;

    /** The last sequence header of each kind: the next muxer's tracks. */
    private MediaFrame videoConfig;
    private MediaFrame audioConfig;
    private Fmp4Muxer muxer;
    /** A sequence header differs from the muxer's: a new muxer at the next cut. */
    private boolean configChanged;
    private boolean discontinuity;
    /** The frames of the open part, retained. */
    private final List<MediaFrame> part = new ArrayList<>();
    private long segmentStart = -1;
    private long partStart = -1;
    private boolean partIndependent;
    private boolean partIsFirst;
    private long fragments;
    private long lastTimestamp = -1;
    private long lastVideoTimestamp = -1;
    private long videoStep = DEFAULT_STEP_MS;
    private long previousVideoStep = DEFAULT_STEP_MS;
    private long audioStep = 21;
    private long firstAudioTimestamp = -1;
    private long lastAudioTimestamp = -1;
    private boolean audioOnly;
    private long wallOffset = Long.MIN_VALUE;

    Fmp4Segmenter(LiveStream stream, EventExecutor loop, Executor io, StreamFiles files, HlsService.Limits limits,
                  ByteBufAllocator alloc, LongSupplier clock, Runnable onEnd) {
        this.stream = stream;
        this.loop = loop;
        this.io = io;
        this.files = files;
        this.limits = limits;
        this.alloc = alloc;
        this.clock = clock;
        this.onEnd = onEnd;
    }

    @Override
    public EventExecutor executor() {
        return loop;
    }

    @Override
    public boolean active() {
        return active;
    }

    @Override
    public void onJoin(List<MediaFrame> snapshot, boolean live) {
        if (!live) {
            end();
            return;
        }
        for (MediaFrame f : snapshot) {
            handle(f, false);
        }
    }

    @Override
    public void onFrame(MediaFrame frame) {
        handle(frame, true);
    }

    @Override
    public void onPublishStart() {
        // Not reached: a segmenter ends with its publish.
    }

    @Override
    public void onPublishStop() {
        end();
    }

    @Override
    public void flush() {
        // Fragments go to the file thread when a part ends, not per batch.
    }

    private void handle(MediaFrame frame, boolean live) {
        if (!active || frame.kind() == MediaFrame.Kind.DATA || frame.tag() == null) {
            return;
        }
        long ts = frame.timestamp();
        if (live && wallOffset == Long.MIN_VALUE) {
            wallOffset = clock.getAsLong() - ts;
        }
        if (frame.isSequenceHeader()) {
            if (frame.tag().trackId() != 0) {
                return;
            }
            if (muxer != null && !muxer.sameConfiguration(frame)) {
                configChanged = true;
            }
            if (frame.isVideo()) {
                videoConfig = replace(videoConfig, frame);
            } else {
                audioConfig = replace(audioConfig, frame);
            }
            return;
        }
        boolean cutHere;
        if (frame.isVideo()) {
            if (lastVideoTimestamp >= 0 && ts > lastVideoTimestamp) {
                previousVideoStep = videoStep;
                videoStep = Math.min(1000, ts - lastVideoTimestamp);
            }
            lastVideoTimestamp = ts;
            cutHere = frame.isKeyframe() && videoConfig != null
                    && (segmentStart < 0 || configChanged || audioOnly || ts - segmentStart >= limits.segmentMillis());
            if (cutHere && audioOnly) {
                audioOnly = false;
                configChanged = true; // the audio-only muxer has no video track
            }
        } else {
            if (firstAudioTimestamp < 0) {
                firstAudioTimestamp = ts;
            }
            if (lastAudioTimestamp >= 0 && ts > lastAudioTimestamp && ts - lastAudioTimestamp < 200) {
                audioStep = ts - lastAudioTimestamp;
            }
            lastAudioTimestamp = ts;
            boolean noVideo = videoConfig == null && ts - firstAudioTimestamp >= AUDIO_ONLY_AFTER_MS;
            cutHere = (audioOnly || noVideo) && audioConfig != null
                    && (segmentStart < 0 || configChanged || ts - segmentStart >= limits.segmentMillis());
            if (cutHere) {
                audioOnly = true;
            }
        }
        // With a video track a part ends only at a video frame, so the last frame of the part
        // gets its true duration and the next part's tfdt follows on without a gap or overlap
        // (closed at an audio frame, the duration was the previous step: FLV's 33/34 ms left
        // 1 ms holes at part boundaries). The longest recent step keeps the part in its target.
        // Video that stops (overdue by two steps) hands the pace back to the audio frames.
        long step = Math.max(videoStep, previousVideoStep);
        boolean videoPaced = !audioOnly && muxer != null && muxer.hasVideo()
                && (lastVideoTimestamp < 0 || ts - lastVideoTimestamp <= 2 * step);
        if (cutHere) {
            cut(ts);
        } else if (segmentStart >= 0 && !part.isEmpty() && (!videoPaced || frame.isVideo())
                && ts - partStart + (audioOnly ? audioStep : step) > limits.partMillis()) {
            closePart(ts, frame.isVideo() ? ts : Fmp4Muxer.NEXT_UNKNOWN, false);
        }
        if (segmentStart < 0 || muxer == null || !muxer.carries(frame)) {
            return;
        }
        if (part.isEmpty()) {
            partStart = partStart < 0 ? ts : partStart;
            partIndependent = frame.isKeyframe() || !muxer.hasVideo();
        }
        part.add(frame.retain());
        lastTimestamp = Math.max(lastTimestamp, ts);
    }

    private static MediaFrame replace(MediaFrame old, MediaFrame next) {
        if (old != null) {
            old.release();
        }
        return next.retain();
    }

    /** Ends the open segment (if any) at {@code ts} and starts the next one there. */
    private void cut(long ts) {
        if (segmentStart >= 0) {
            closePart(ts, ts, true);
            complete(ts - segmentStart);
        }
        if (muxer == null || configChanged) {
            List<MediaFrame> config = new ArrayList<>(2);
            if (videoConfig != null && !audioOnly) {
                config.add(videoConfig);
            }
            if (audioConfig != null) {
                config.add(audioConfig);
            }
            try {
                muxer = Fmp4Muxer.create(config, alloc);
            } catch (IllegalArgumentException e) {
                log.info("HLS cannot carry this stream's codecs in fMP4 [stream:{}]: {}", stream.key(), e.getMessage());
                muxer = null;
                segmentStart = -1;
                return;
            }
            if (segmentStart >= 0 || configChanged) {
                discontinuity = true;
            }
            configChanged = false;
            ByteBuf init = muxer.initSegment();
            int size = init.readableBytes();
            if (!limits.enqueue(size) || !toFiles(() -> files.init(init))) {
                init.release();
                muxer = null;
                segmentStart = -1;
                return;
            }
        }
        segmentStart = ts;
        partStart = ts;
        partIsFirst = true;
    }

    /**
     * Makes the open part's fragment and hands it to the file thread; the next part starts at
     * {@code end}. {@code endsSegment}: the segment ends with it (a cut, or the publish ends).
     */
    private void closePart(long end, long nextVideoTimestamp, boolean endsSegment) {
        if (part.isEmpty()) {
            partStart = end;
            return;
        }
        ByteBuf fragment;
        try {
            fragment = muxer.fragment(part, fragments++ & 0xffffffffL, nextVideoTimestamp);
        } catch (IllegalArgumentException e) {
            fragment = null;
        } finally {
            part.forEach(MediaFrame::release);
            part.clear();
        }
        long start = partStart;
        partStart = end;
        if (fragment == null) {
            return;
        }
        long duration = Math.max(1, end - start);
        boolean independent = partIndependent;
        boolean first = partIsFirst;
        partIsFirst = false;
        boolean disc = first && discontinuity;
        long pdt = wallOffset == Long.MIN_VALUE ? clock.getAsLong() : wallOffset + segmentStart;
        int size = fragment.readableBytes();
        if (!limits.enqueue(size)) {
            fragment.release();
            log.warn("HLS files fall behind, a segment is dropped [stream:{}]", stream.key());
            toFiles(files::abandon);
            segmentStart = -1;
            discontinuity = true;
            return;
        }
        ByteBuf bytes = fragment;
        if (!toFiles(() -> files.part(bytes, duration, independent, disc, pdt, endsSegment))) {
            limits.dequeued(size);
            bytes.release();
        }
    }

    /** Hands the open segment to the file thread as complete. */
    private void complete(long durationMillis) {
        boolean disc = discontinuity;
        discontinuity = false;
        long pdt = wallOffset == Long.MIN_VALUE ? clock.getAsLong() - durationMillis : wallOffset + segmentStart;
        StreamFiles.Finished f = new StreamFiles.Finished(durationMillis, pdt, disc, muxer.codecs(), muxer.width(),
                muxer.height());
        toFiles(() -> files.finish(f));
        segmentStart = -1;
    }

    /** Hands work to the file thread; false once it has stopped (the worker is stopping). */
    private boolean toFiles(Runnable task) {
        try {
            io.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private void end() {
        if (!active) {
            return;
        }
        active = false;
        if (segmentStart >= 0 && muxer != null && lastTimestamp >= segmentStart) {
            long end = lastTimestamp + (audioOnly ? audioStep : videoStep);
            closePart(end, end, true);
            complete(end - segmentStart);
        }
        part.forEach(MediaFrame::release);
        part.clear();
        if (videoConfig != null) {
            videoConfig.release();
            videoConfig = null;
        }
        if (audioConfig != null) {
            audioConfig.release();
            audioConfig = null;
        }
        toFiles(files::end);
        loop.execute(() -> {
            stream.unsubscribe(this);
            onEnd.run();
        });
    }
}
