package io.sluice.worker.stream;

import io.netty.util.concurrent.EventExecutor;

import java.util.List;

/**
 * The receiving end of a live stream: a player connection, or the relay that feeds another
 * worker. Every callback runs on {@link #executor()}, in stream order, from the fan-out group
 * of that event loop; a subscriber writes what it receives and flushes in {@link #flush()},
 * which the group calls once after each batch.
 *
 * <p>Frames are lent for the duration of a call: to write one, ask it for the encoding this
 * subscriber sends ({@link MediaFrame#encoded}: made once per worker, shared) and write a
 * {@code retainedDuplicate()} of it; to keep a frame, {@code frame.retain()}.
 */
public interface Subscriber {

    EventExecutor executor();

    /** False once the subscriber has left; pending callbacks are then skipped. */
    boolean active();

    /**
     * First callback after {@link LiveStream#subscribe}: when {@code live}, the publisher is
     * there and {@code snapshot} holds the stream's metadata, sequence headers and GOP cache,
     * in that order; otherwise the subscriber waits for {@link #onPublishStart()}.
     */
    void onJoin(List<MediaFrame> snapshot, boolean live);

    void onFrame(MediaFrame frame);

    /** A publisher started while the subscriber was waiting or after the previous one left. */
    void onPublishStart();

    /** The publisher left; the subscriber stays and may see {@link #onPublishStart()} again. */
    void onPublishStop();

    /** End of a batch: flush what was written. */
    void flush();
}
