package io.sluice.master.process;

import io.sluice.common.channel.ChannelPeer;
import io.sluice.common.config.WorkerSettings;
import io.sluice.common.protocol.DrainOrder;
import io.sluice.common.protocol.WorkerProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Stops workers the way nginx's master does, escalating: {@code worker.close} over the channel,
 * SIGTERM at half of {@code worker.stop_timeout}, SIGKILL at all of it. And the draining stop of
 * a worker: {@code worker.drain} (it closes its listener and serves its sessions to their end),
 * then the escalating stop if it is still there after {@code worker.drain_timeout}.
 *
 * <p>Timeouts are read from the settings when a stop begins, so a reload's values apply to the
 * next one. A worker that is stopping already is left to the steps under way. On the master loop.
 */
public final class Stopper {

    private static final Logger log = LoggerFactory.getLogger(Stopper.class);

    private final MasterLoop loop;
    private final Supplier<WorkerSettings> settings;

    /** @param settings the current {@code worker} settings (stop and drain timeouts) */
    public Stopper(MasterLoop loop, Supplier<WorkerSettings> settings) {
        this.loop = loop;
        this.settings = settings;
    }

    /**
     * {@code worker.close}, SIGTERM at half the stop timeout, SIGKILL at all of it; with
     * {@code now}, or without a channel, SIGTERM at once. {@code now} also cuts short the
     * {@code worker.close} step of a worker that is stopping already.
     */
    public void stop(WorkerHandle h, boolean now) {
        if (h.state == WorkerHandle.State.EXITED) {
            return;
        }
        if (h.state == WorkerHandle.State.STOPPING) {
            if (now) {
                h.process.destroy();
            }
            return;
        }
        Duration timeout = settings.get().stopTimeout();
        h.state = WorkerHandle.State.STOPPING;
        ChannelPeer peer = h.peer;
        if (now || peer == null) {
            h.process.destroy();
        } else {
            peer.request(WorkerProtocol.CLOSE, null, timeout); // the exit is the answer that counts
            Duration half = timeout.dividedBy(2);
            loop.schedule(half, () -> escalate(h, false, "did not stop within " + half.toMillis()
                    + " ms of worker.close"));
        }
        loop.schedule(timeout, () -> escalate(h, true, "did not stop within " + timeout.toMillis() + " ms"));
    }

    /**
     * {@code worker.drain}, then {@link #stop} once the drain timeout has passed with the worker
     * still there; a worker that cannot drain (no channel, not serving, a zero timeout) is stopped
     * at once.
     */
    public void drain(WorkerHandle h) {
        if (h.state == WorkerHandle.State.STOPPING || h.state == WorkerHandle.State.EXITED) {
            return;
        }
        Duration timeout = settings.get().drainTimeout();
        ChannelPeer peer = h.peer;
        if (peer == null || timeout.isZero() || !h.serving()) {
            stop(h, false);
            return;
        }
        if (h.state == WorkerHandle.State.RUNNING) {
            h.state = WorkerHandle.State.DRAINING;
            peer.request(WorkerProtocol.DRAIN, new DrainOrder(timeout.toMillis()));
        }
        loop.schedule(timeout, () -> {
            if (h.state == WorkerHandle.State.DRAINING) {
                log.info("{} still has sessions after the drain timeout ({} ms); stopping it", h, timeout.toMillis());
                stop(h, false);
            }
        });
    }

    private void escalate(WorkerHandle h, boolean kill, String why) {
        if (!h.process.isAlive()) {
            return;
        }
        log.warn("{} {}; sending {}", h, why, kill ? "SIGKILL" : "SIGTERM");
        if (kill) {
            h.process.destroyForcibly();
        } else {
            h.process.destroy();
        }
    }
}
