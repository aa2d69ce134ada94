package io.sluice.worker.stream;

import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.PlatformDependent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The subscribers of one stream that live on one event loop, and the queue that carries the
 * stream to them.
 *
 * <p>Why a group per event loop: a publisher's frame must reach players on every loop. Writing
 * to each player's channel from the publisher's thread would cost a task per player per frame
 * (Netty hops every foreign-thread write onto the channel's loop). Instead the stream puts the
 * frame once into each loop's queue and wakes the loop once; the loop then writes the frame to
 * all its players and, at the end of the batch, flushes each player once. Cross-thread work is
 * per loop, not per player, and one flush carries every message that arrived meanwhile. A batch
 * of audio only is flushed with the next video frame or after {@code players.audio_batch},
 * whichever comes first, in a stream with {@code players.audio_batch_min_players} or more players
 * on the worker: the write system calls are most of the fan-out's cost, and a stream has more
 * audio than video messages. A smaller audience gets each message at once.
 *
 * <p>The queue also carries joins and publisher changes, so each subscriber sees exactly the
 * stream's order: its snapshot, then every frame published after the snapshot was taken.
 * Members are only touched on the group's loop.
 */
final class FanoutGroup implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(FanoutGroup.class);
    private static final Subscriber[] NONE = new Subscriber[0];

    private final LiveStream stream;
    private final EventExecutor executor;
    /**
     * Slots of each array the queue is made of. The queue only holds what was published since the
     * loop last ran (a few frames; a 300 ms stall of the loop is about 25 at 30 fps with audio),
     * and it grows by another array of this size when that is not enough. Netty's default of 1024
     * slots cost 4 KiB of heap per stream and loop even while nothing is queued, and every player
     * waiting for a name nobody publishes has a stream of its own: 1000 such players held 4 MiB,
     * a third of a worker's live heap, and made its small heap collect more often.
     */
    static final int QUEUE_CHUNK = 32;
    /** Effectively unbounded (like Netty's default queue): frames are never refused. */
    private static final int QUEUE_MAX = 1 << 30;

    private final Queue<Object> queue = PlatformDependent.newMpscQueue(QUEUE_CHUNK, QUEUE_MAX);
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /**
     * Subscribers joined and not yet left, counted under the stream's lock (members lags it:
     * it changes on the group's loop); a group at zero gets no frames.
     */
    int subscribed;
    /** Copy-on-write so a subscriber that leaves during a callback cannot upset iteration. */
    private Subscriber[] members = NONE;
    /** When the writes not flushed yet are due (the executor's ticker), or NOTHING_PENDING. */
    private long pendingDeadline = NOTHING_PENDING;
    /** The flush deadline a timer is set for, or NOTHING_PENDING. */
    private long timerDeadline = NOTHING_PENDING;
    private static final long NOTHING_PENDING = Long.MIN_VALUE;

    FanoutGroup(LiveStream stream, EventExecutor executor) {
        this.stream = stream;
        this.executor = executor;
    }

    EventExecutor executor() {
        return executor;
    }

    /** Queues a frame (the group takes over one reference) or an event; any thread. */
    void enqueue(Object event) {
        queue.offer(event);
        if (scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this);
            } catch (RejectedExecutionException shuttingDown) {
                discardQueued();
            }
        }
    }

    /** Removes a subscriber; on the group's loop. */
    void remove(Subscriber s) {
        Subscriber[] current = members;
        for (int i = 0; i < current.length; i++) {
            if (current[i] == s) {
                Subscriber[] next = new Subscriber[current.length - 1];
                System.arraycopy(current, 0, next, 0, i);
                System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                members = next;
                return;
            }
        }
    }

    @Override
    public void run() {
        // Cleared before polling: an event queued while we drain schedules another run.
        scheduled.set(false);
        Object event;
        boolean urgent = false;
        boolean video = false;
        while ((event = queue.poll()) != null) {
            if (event instanceof MediaFrame frame) {
                video |= frame.kind() != MediaFrame.Kind.AUDIO;
                deliver(frame);
            } else if (event instanceof Join join) {
                urgent = true;
                join(join);
            } else if (event == PublisherChange.START || event == PublisherChange.STOP) {
                urgent = true;
                publisherChanged((PublisherChange) event);
            }
        }
        // Audio only waits for the next video frame (about one per 33 ms) or audio_batch; with
        // merge_writes everything waits for that window. Joins and publisher changes go at once.
        // The deadline belongs to the oldest unflushed batch, so a timer set for an earlier batch
        // (already flushed by a video frame) does not cut a later batch short.
        long merge = stream.mergeWritesNanos();
        long delay = video ? merge : Math.max(stream.audioBatchNanos(), merge);
        if (urgent || delay <= 0) {
            flushAll();
            return;
        }
        long now = executor.ticker().nanoTime();
        long deadline = now + delay;
        if (pendingDeadline == NOTHING_PENDING || deadline - pendingDeadline < 0) {
            pendingDeadline = deadline;
        }
        deadline = pendingDeadline;
        if (deadline - now <= 0) {
            flushAll();
        } else if (timerDeadline == NOTHING_PENDING || deadline - timerDeadline < 0) {
            armTimer(deadline, now); // a later timer still set just finds nothing due and goes quiet
        }
    }

    /**
     * The batch timer. One timer per group at most: when it finds a later batch than the one it
     * was set for, it sets itself again for that batch's deadline instead of flushing early.
     */
    private void onTimer() {
        timerDeadline = NOTHING_PENDING;
        long deadline = pendingDeadline;
        if (deadline == NOTHING_PENDING) {
            return;
        }
        long now = executor.ticker().nanoTime();
        // Within a millisecond counts as due: not worth another timer.
        if (deadline - now <= TimeUnit.MILLISECONDS.toNanos(1)) {
            flushAll();
        } else {
            armTimer(deadline, now);
        }
    }

    private void armTimer(long deadline, long now) {
        timerDeadline = deadline;
        executor.schedule(this::onTimer, deadline - now, TimeUnit.NANOSECONDS);
    }

    /** Flushes every member that has written since its last flush. */
    private void flushAll() {
        pendingDeadline = NOTHING_PENDING;
        for (Subscriber s : members) {
            try {
                s.flush();
            } catch (RuntimeException e) {
                log.warn("subscriber failed to flush [stream:{}]", stream.key(), e);
            }
        }
    }

    private void deliver(MediaFrame frame) {
        try {
            for (Subscriber s : members) {
                if (s.active()) {
                    try {
                        s.onFrame(frame);
                    } catch (RuntimeException e) {
                        log.warn("subscriber failed on a frame [stream:{}]", stream.key(), e);
                    }
                }
            }
        } finally {
            frame.release();
        }
    }

    private void join(Join join) {
        try {
            if (join.subscriber.active()) {
                join.subscriber.onJoin(join.snapshot, join.live);
                Subscriber[] next = Arrays.copyOf(members, members.length + 1);
                next[members.length] = join.subscriber;
                members = next;
            }
        } catch (RuntimeException e) {
            log.warn("subscriber failed to join [stream:{}]", stream.key(), e);
        } finally {
            join.snapshot.forEach(MediaFrame::release);
        }
    }

    private void publisherChanged(PublisherChange change) {
        for (Subscriber s : members) {
            if (s.active()) {
                try {
                    if (change == PublisherChange.START) {
                        s.onPublishStart();
                    } else {
                        s.onPublishStop();
                    }
                } catch (RuntimeException e) {
                    log.warn("subscriber failed on publisher change [stream:{}]", stream.key(), e);
                }
            }
        }
    }

    private void discardQueued() {
        Object event;
        while ((event = queue.poll()) != null) {
            if (event instanceof Join join) {
                join.snapshot.forEach(MediaFrame::release);
            } else {
                ReferenceCountUtil.release(event);
            }
        }
    }

    /** A subscriber joins with the stream's state at that moment (frames retained for it). */
    record Join(Subscriber subscriber, List<MediaFrame> snapshot, boolean live) {
    }

    enum PublisherChange { START, STOP }
}
