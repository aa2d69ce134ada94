package io.sluice.worker.http.flv;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.EventExecutor;
import io.sluice.worker.net.Connection;
import io.sluice.worker.net.PlayerWrites;
import io.sluice.worker.net.WireSink;
import io.sluice.worker.stream.FrameGate;
import io.sluice.worker.stream.LiveStream;
import io.sluice.worker.stream.MediaFrame;
import io.sluice.worker.stream.StreamRegistry;
import io.sluice.worker.stream.Subscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * One FLV player (HTTP-FLV or WebSocket-FLV; the transport is only the framing of
 * {@link FlvTags}): receives the live stream from its fan-out group and writes it as an FLV body.
 *
 * <p>What the player sees: once the stream is live, {@code onLive} runs (the HTTP answer's
 * head); then, when the first audio or video frame that is not configuration arrives, the FLV
 * header, whose flags announce the tracks seen until then (sequence headers come before media,
 * and the stream's snapshot holds them), then everything held back until then (metadata,
 * sequence headers, the GOP cache, whose first video frame is a key frame), then live tags.
 * Held back at most {@value #MAX_HELD} frames: a stream that sends that much configuration and
 * no media gets its header early.
 *
 * <p>Shared bytes and slow players as for RTMP: each frame costs one {@code retain()} of its
 * {@link FlvTags} encoding (made once per worker), batches go to the connection's
 * {@link WireSink} at the flush, and {@link FrameGate} decides what a slow player still gets; a
 * player over the write buffer high mark for {@code players.slow_timeout} is disconnected.
 *
 * <p>A republish continues the same FLV body (the stream's timeline goes on; video resumes at a
 * key frame); the FLV header is not repeated.
 *
 * <p>Everything but {@link #active()} runs on the connection's event loop.
 */
public final class FlvPlayer implements Subscriber {

    private static final Logger log = LoggerFactory.getLogger(FlvPlayer.class);
    static final int MAX_HELD = 64;

    private final ChannelHandlerContext ctx;
    private final FlvTags tags;
    private final FrameGate gate;
    private final StreamRegistry registry;
    private final LiveStream stream;
    private final Runnable onLive;
    private final Connection connection;
    private final PlayerWrites writes;
    private volatile boolean active = true;
    private boolean closed;

    private boolean begun;
    private boolean headerSent;
    private final List<MediaFrame> held = new ArrayList<>();

    /**
     * @param ctx      the player's handler (event loop, channel, allocator)
     * @param sink     where the FLV bytes go: below the codec that would otherwise frame them again
     * @param tags     the encoding, with the transport's framing
     * @param registry the registry {@code stream} was acquired from; {@link #close} releases it
     * @param onLive   runs once, on the loop, when the stream is first live (before any FLV byte)
     */
    public FlvPlayer(ChannelHandlerContext ctx, WireSink sink, FlvTags tags, long slowTimeoutNanos,
                     StreamRegistry registry, LiveStream stream, Runnable onLive) {
        this.ctx = ctx;
        this.writes = new PlayerWrites(ctx, sink);
        this.tags = tags;
        this.gate = new FrameGate(slowTimeoutNanos, ctx.executor().ticker());
        this.registry = registry;
        this.stream = stream;
        this.onLive = onLive;
        this.connection = Connection.of(ctx.channel());
    }

    /** Subscribes; the stream's snapshot or its publisher's start follows on the loop. */
    public void start() {
        stream.subscribe(this);
    }

    public LiveStream stream() {
        return stream;
    }

    /** True once the stream was live for this player (its answer's head is out). */
    public boolean begun() {
        return begun;
    }

    /** Leaves the stream and releases it, and whatever was held back; on the loop, once. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        active = false;
        writes.discard();
        held.forEach(MediaFrame::release);
        held.clear();
        stream.unsubscribe(this);
        registry.release(stream);
    }

    @Override
    public EventExecutor executor() {
        return ctx.executor();
    }

    @Override
    public boolean active() {
        return active;
    }

    @Override
    public void onJoin(List<MediaFrame> snapshot, boolean live) {
        if (live) {
            begin();
        }
        for (MediaFrame frame : snapshot) {
            deliver(frame);
        }
    }

    @Override
    public void onFrame(MediaFrame frame) {
        deliver(frame);
    }

    @Override
    public void onPublishStart() {
        gate.restartAtKeyframe();
        begin();
    }

    @Override
    public void onPublishStop() {
        // The body goes on: a player stays for the next publisher, as an RTMP player does.
    }

    /** The connection's writability changed: a slow episode may have ended. */
    public void writabilityChanged(boolean writable) {
        if (writable && gate.slow()) {
            log.info("slow player caught up after {} ms, {} video frames dropped [conn:{}, stream:{}]",
                    gate.slowMillis(), gate.droppedInEpisode(), connection.id(), stream.key());
            gate.caughtUp();
        }
    }

    @Override
    public void flush() {
        writes.flush(active);
    }

    private void begin() {
        if (!begun && ctx.channel().isActive()) {
            begun = true;
            onLive.run();
            writes.wrotePipeline();
        }
    }

    private void deliver(MediaFrame frame) {
        if (!begun || !ctx.channel().isActive()) {
            return;
        }
        if (!headerSent) {
            boolean media = frame.kind() != MediaFrame.Kind.DATA && !frame.isConfiguration();
            if (!media && held.size() < MAX_HELD) {
                held.add(frame.retain());
                return;
            }
            sendHeader(frame);
        }
        admit(frame);
    }

    /** The FLV header with the tracks seen so far, then what was held back for it. */
    private void sendHeader(MediaFrame first) {
        headerSent = true;
        boolean audio = first.kind() == MediaFrame.Kind.AUDIO;
        boolean video = first.kind() == MediaFrame.Kind.VIDEO;
        for (MediaFrame f : held) {
            audio |= f.kind() == MediaFrame.Kind.AUDIO;
            video |= f.kind() == MediaFrame.Kind.VIDEO;
        }
        writes.bytes(tags.header(ctx.alloc(), audio, video));
        List<MediaFrame> frames = new ArrayList<>(held);
        held.clear();
        try {
            for (MediaFrame f : frames) {
                admit(f);
            }
        } finally {
            frames.forEach(MediaFrame::release);
        }
    }

    private void admit(MediaFrame frame) {
        if (!active) {
            return;
        }
        switch (gate.admit(frame, ctx.channel().isWritable())) {
            case SEND -> writes.shared(frame.encoded(tags));
            case SKIP -> {
            }
            case DISCONNECT -> {
                log.warn("player too slow, disconnecting: over the write buffer high mark for {} ms, {} video frames"
                                + " dropped [conn:{}, remote:{}, stream:{}]", gate.slowMillis(),
                        gate.droppedInEpisode(), connection.id(), connection.remote(), stream.key());
                gate.caughtUp();
                active = false;
                ctx.channel().close();
            }
            default -> throw new IllegalStateException();
        }
    }
}
