package io.sluice.worker.hls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import io.sluice.worker.media.AvcConfig;
import io.sluice.worker.hls.ts.FlvTsMuxer;
import io.sluice.worker.hls.ts.TsMuxer;
import io.sluice.worker.stream.LiveStream;
import io.sluice.worker.stream.MediaFrame;
import io.sluice.worker.stream.Subscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

/**
 * Cuts one publish of a stream into MPEG-TS segments: a subscriber of the stream on the owning
 * worker, fed like a player (its GOP cache first, so the first segment starts at once). A segment
 * starts at a video key frame and ends at the first key frame after {@code hls.segment}; a stream
 * without video is cut at any audio frame. A new decoder configuration ends the segment at the
 * next key frame and the next one begins with a discontinuity.
 *
 * <p>Runs on its event loop: muxing is cheap, file I/O is not, so the bytes go to the worker's
 * HLS file thread ({@link StreamFiles}) in pieces of {@value #CHUNK} bytes. When the file thread
 * falls behind by more than {@code HlsService.Limits#maxQueuedBytes}, the segment being made is
 * dropped (the next one starts with a discontinuity) rather than memory growing.
 */
final class Segmenter implements Subscriber {

    private static final Logger log = LoggerFactory.getLogger(Segmenter.class);
    /** Bytes collected before they go to the file thread. */
    static final int CHUNK = 128 * 1024;
    /** An A/V stream whose video has not come after this much audio is segmented as audio only. */
    private static final long AUDIO_ONLY_AFTER_MS = 1500;

    private final LiveStream stream;
    private final EventExecutor loop;
    private final Executor io;
    private final StreamFiles files;
    private final HlsService.Limits limits;
    private final ByteBufAllocator alloc;
    private final LongSupplier clock;
    private final Runnable onEnd;
    private final FlvTsMuxer muxer;
    private boolean active = true;

    private ByteBuf pending;
    /** Timestamp (ms) of the open segment's first frame; -1 while no segment is open. */
    private long segmentStart = -1;
    private long lastTimestamp = -1;
    private long lastVideoStep = 40;
    private long lastVideoTimestamp = -1;
    private long firstAudioTimestamp = -1;
    private boolean videoSeen;
    private boolean audioOnly;
    /** Cut at the next chance whatever the duration (a new configuration). */
    private boolean cutNext;
    private boolean discontinuity;
    /** Wall clock minus stream time (ms), fixed by the first live frame: PROGRAM-DATE-TIME. */
    private long wallOffset = Long.MIN_VALUE;
    private boolean warnedUnsupported;

    Segmenter(LiveStream stream, EventExecutor loop, Executor io, StreamFiles files, HlsService.Limits limits,
              ByteBufAllocator alloc, LongSupplier clock, Runnable onEnd) {
        this.stream = stream;
        this.loop = loop;
        this.io = io;
        this.files = files;
        this.limits = limits;
        this.alloc = alloc;
        this.clock = clock;
        this.onEnd = onEnd;
        this.muxer = new FlvTsMuxer(alloc);
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
            end(); // the publisher left before we joined
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
        // Not reached: a segmenter ends with its publish (see onPublishStop).
    }

    @Override
    public void onPublishStop() {
        end();
    }

    @Override
    public void flush() {
        // Bytes go to the file thread by size and at each cut, not per batch.
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
            FlvTsMuxer.Result r = frame.isVideo() ? muxer.video(ts, frame.tag(), frame.payload(), null)
                    : muxer.audio(ts, frame.tag(), frame.payload(), null);
            if (frame.isVideo()) {
                videoSeen = true;
            }
            if (r == FlvTsMuxer.Result.CONFIG_CHANGED && segmentStart >= 0) {
                cutNext = true;
                discontinuity = true;
            }
            return;
        }
        if (frame.isVideo()) {
            videoSeen = true;
            if (lastVideoTimestamp >= 0 && ts > lastVideoTimestamp) {
                lastVideoStep = Math.min(1000, ts - lastVideoTimestamp);
            }
            lastVideoTimestamp = ts;
            if (frame.isKeyframe() && muxer.avc() != null
                    && (segmentStart < 0 || cutNext || audioOnly || ts - segmentStart >= limits.segmentMillis())) {
                cut(ts, false);
            }
        } else if (segmentStart < 0 || audioOnly) {
            if (firstAudioTimestamp < 0) {
                firstAudioTimestamp = ts;
            }
            boolean noVideo = !videoSeen && muxer.avc() == null && ts - firstAudioTimestamp >= AUDIO_ONLY_AFTER_MS;
            if ((audioOnly || noVideo) && muxer.audioTrack() != TsMuxer.Audio.NONE
                    && (segmentStart < 0 || cutNext || ts - segmentStart >= limits.segmentMillis())) {
                cut(ts, true);
            }
        }
        if (segmentStart < 0) {
            return; // waiting for a place to start
        }
        if (pending == null) {
            pending = alloc.directBuffer(CHUNK + 64 * 1024);
        }
        FlvTsMuxer.Result r = frame.isVideo() ? muxer.video(ts, frame.tag(), frame.payload(), pending)
                : muxer.audio(ts, frame.tag(), frame.payload(), pending);
        if (r == FlvTsMuxer.Result.WRITTEN) {
            lastTimestamp = Math.max(lastTimestamp, ts);
        } else if (r == FlvTsMuxer.Result.UNSUPPORTED && !warnedUnsupported) {
            warnedUnsupported = true;
            log.info("HLS leaves out what MPEG-TS here cannot carry [stream:{}, codec:{}]", stream.key(),
                    frame.tag().codec());
        }
        if (pending.readableBytes() >= CHUNK) {
            send();
        }
    }

    /** Ends the open segment (if any) at {@code ts} and starts the next one there. */
    private void cut(long ts, boolean audioOnlyProgram) {
        if (segmentStart >= 0) {
            complete(ts - segmentStart);
        }
        audioOnly = audioOnlyProgram;
        if (pending == null) {
            pending = alloc.directBuffer(CHUNK + 64 * 1024);
        }
        if (!muxer.startSegment(pending, audioOnlyProgram)) {
            segmentStart = -1;
            return;
        }
        segmentStart = ts;
        lastTimestamp = ts;
        cutNext = false;
    }

    /** Hands the open segment to the file thread as complete. */
    private void complete(long durationMillis) {
        send();
        boolean disc = discontinuity;
        discontinuity = false;
        long start = segmentStart;
        long pdt = (wallOffset == Long.MIN_VALUE ? clock.getAsLong() - durationMillis : wallOffset + start);
        AvcConfig avc = audioOnly ? null : muxer.avc();
        String codecs = audioOnly ? muxer.codecs().replaceFirst("^avc1\\.[0-9a-f]+,?", "") : muxer.codecs();
        StreamFiles.Finished f = new StreamFiles.Finished(durationMillis, pdt, disc, codecs,
                avc == null ? 0 : avc.width(), avc == null ? 0 : avc.height());
        toFiles(() -> files.finish(f));
        segmentStart = -1;
    }

    /** Sends what was muxed so far to the file thread, or drops the segment when the disk is behind. */
    private void send() {
        if (pending == null || !pending.isReadable()) {
            return;
        }
        ByteBuf bytes = pending;
        pending = null;
        if (!limits.enqueue(bytes.readableBytes())) {
            bytes.release();
            log.warn("HLS files fall behind, a segment is dropped [stream:{}]", stream.key());
            toFiles(files::abandon);
            segmentStart = -1;
            discontinuity = true;
            return;
        }
        if (!toFiles(() -> files.append(bytes))) {
            limits.dequeued(bytes.readableBytes());
            bytes.release();
        }
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
        if (segmentStart >= 0 && lastTimestamp >= segmentStart) {
            complete(lastTimestamp - segmentStart + lastVideoStep);
        }
        if (pending != null) {
            pending.release();
            pending = null;
        }
        toFiles(files::end);
        // After this callback: the fan-out group may still be adding us (a join that found no publisher).
        loop.execute(() -> {
            stream.unsubscribe(this);
            onEnd.run();
        });
    }
}
