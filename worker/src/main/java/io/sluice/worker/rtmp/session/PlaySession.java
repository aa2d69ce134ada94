package io.sluice.worker.rtmp.session;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.EventExecutor;
import io.sluice.worker.net.Connection;
import io.sluice.worker.net.PlayerWrites;
import io.sluice.worker.net.WireSink;
import io.sluice.worker.rtmp.message.DataMessage;
import io.sluice.worker.rtmp.message.UserControl;
import io.sluice.worker.stream.FrameGate;
import io.sluice.worker.stream.LiveStream;
import io.sluice.worker.stream.MediaFrame;
import io.sluice.worker.stream.Subscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * One {@code play} on one message stream: receives the live stream from its fan-out group and
 * writes it to the connection.
 *
 * <p>Shared bytes: a player on the shared message stream id asks each frame for its RTMP chunks
 * at the connection's chunk size ({@link RtmpChunks}, made once per worker), so a frame costs one
 * {@code retain()}, no copy. A batch of frames goes to the connection's {@link WireSink} at the
 * flush: one {@code writev} past Netty's per-message bookkeeping when the sink allows it.
 *
 * <p>Slow players: {@link FrameGate} decides which frames go (the same policy for every protocol);
 * this session logs each slow episode once, when it ends, and disconnects a player that stayed
 * slow for {@code slowTimeout}.
 *
 * <p>Everything but {@link #active()} runs on the connection's event loop.
 */
final class PlaySession implements Subscriber {

    private static final Logger log = LoggerFactory.getLogger(PlaySession.class);

    private final ChannelHandlerContext ctx;
    private final Connection connection;
    private final int streamId;
    /** The encoding this player's frames are sent in (the connection's chunk size). */
    private final RtmpChunks chunks;
    private final FrameGate gate;
    private final LiveStream stream;
    private volatile boolean active = true;

    private boolean live;
    private boolean paused;
    private final PlayerWrites writes;

    PlaySession(ChannelHandlerContext ctx, WireSink sink, int streamId, int chunkSize, long slowTimeoutNanos,
                LiveStream stream) {
        this.ctx = ctx;
        this.writes = new PlayerWrites(ctx, sink);
        this.connection = Connection.of(ctx.channel());
        this.streamId = streamId;
        this.chunks = RtmpChunks.of(chunkSize);
        this.gate = new FrameGate(slowTimeoutNanos, ctx.executor().ticker());
        this.stream = stream;
    }

    LiveStream stream() {
        return stream;
    }

    boolean live() {
        return live;
    }

    /** Stops receiving; the caller unsubscribes and releases the stream. */
    void deactivate() {
        active = false;
        writes.discard();
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
        this.live = live;
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
        live = true;
        gate.restartAtKeyframe();
        String name = stream.key().toString();
        write(UserControl.streamBegin(streamId));
        write(Status.status(streamId, Status.PLAY_RESET, "Playing and resetting " + name + '.'));
        write(Status.status(streamId, Status.PLAY_START, "Started playing " + name + '.'));
    }

    @Override
    public void onPublishStop() {
        live = false;
        write(UserControl.streamEof(streamId));
        write(Status.status(streamId, Status.PLAY_UNPUBLISH_NOTIFY, stream.key() + " is now unpublished."));
    }

    @Override
    public void flush() {
        writes.flush(active);
    }

    /** Sends the replies to {@code play}; media follows from the fan-out. */
    void start() {
        String name = stream.key().toString();
        write(UserControl.streamBegin(streamId));
        write(Status.status(streamId, Status.PLAY_RESET, "Playing and resetting " + name + '.'));
        write(Status.status(streamId, Status.PLAY_START, "Started playing " + name + '.'));
        write(DataMessage.of(0, streamId, "|RtmpSampleAccess", true, true));
    }

    void pause(boolean pause) {
        if (paused == pause) {
            return;
        }
        paused = pause;
        if (!pause) {
            gate.restartAtKeyframe();
        }
        String code = pause ? Status.PAUSE_NOTIFY : Status.UNPAUSE_NOTIFY;
        write(Status.status(streamId, code, (pause ? "Paused " : "Unpaused ") + stream.key() + '.'));
    }

    void receiveAudio(boolean on) {
        gate.audio(on);
    }

    void receiveVideo(boolean on) {
        gate.video(on);
    }

    /** The connection's writability changed: a slow episode may have ended. */
    void writabilityChanged(boolean writable) {
        if (writable && gate.slow()) {
            log.info("slow player caught up after {} ms, {} video frames dropped [conn:{}, stream:{}]",
                    gate.slowMillis(), gate.droppedInEpisode(), connection.id(), stream.key());
            gate.caughtUp();
        }
    }

    private void deliver(MediaFrame frame) {
        if (paused || !ctx.channel().isActive()) {
            return;
        }
        switch (gate.admit(frame, ctx.channel().isWritable())) {
            case SEND -> writeFrame(frame);
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

    private void writeFrame(MediaFrame frame) {
        // Players on the shared message stream id share the frame's encoding at their chunk size
        // (made once per worker); any other gets bytes of its own.
        if (streamId == RtmpChunks.SHARED_STREAM_ID) {
            writes.shared(frame.encoded(chunks));
        } else {
            writes.owned(chunks.encodeFor(ctx.alloc(), frame, streamId));
        }
    }

    private void write(Object message) {
        writes.message(message); // media given earlier goes first
    }
}
