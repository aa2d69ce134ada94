package io.sluice.master.process;

import io.sluice.common.channel.ChannelException;
import io.sluice.common.config.SluiceConfig;
import io.sluice.common.protocol.Heartbeat;
import io.sluice.common.protocol.WorkerLoad;
import io.sluice.common.protocol.WorkerProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The heartbeat: every {@code worker.heartbeat_interval} each serving worker gets
 * {@code worker.ping} (with its {@link ConnectionShare}); the answer is its load. A worker that
 * has not answered within {@code worker.heartbeat_timeout} (hung, GC-stalled, SIGSTOPped) is
 * killed with SIGKILL, and the supervisor replaces it as any worker that died. The deadline is
 * checked at the deadline itself, not at the next tick. A worker that has not reported running
 * within {@link Supervisor#START_TIMEOUT} of its start is killed the same way.
 *
 * <p>Runs on the master loop and reads the time from it, so a unit test drives it on a fake clock.
 */
public final class HeartbeatMonitor {

    private static final Logger log = LoggerFactory.getLogger(HeartbeatMonitor.class);

    /** Sends one heartbeat; {@link #overChannel()} in production. */
    @FunctionalInterface
    public interface Pinger {
        CompletableFuture<WorkerLoad> ping(WorkerHandle worker, Heartbeat beat, Duration timeout);

        static Pinger overChannel() {
            return (worker, beat, timeout) -> worker.peer.request(WorkerProtocol.PING, beat, timeout);
        }
    }

    private final MasterLoop loop;
    private final Supervisor supervisor;
    private final Pinger pinger;
    private MasterLoop.Cancellable nextTick;
    private long nextTickNanos;
    private Duration interval;

    public HeartbeatMonitor(MasterLoop loop, Supervisor supervisor, Pinger pinger) {
        this.loop = loop;
        this.supervisor = supervisor;
        this.pinger = pinger;
    }

    /** Starts ticking at the configured interval; a restart after a reload that changed it. */
    public void start() {
        stop();
        interval = supervisor.config().worker().heartbeatInterval();
        nextTickNanos = loop.nanoTime() + interval.toNanos();
        nextTick = loop.schedule(interval, this::scheduledTick);
    }

    /** Takes a new interval from the configuration, if it changed, while ticking. */
    public void reconfigure() {
        if (nextTick != null && !interval.equals(supervisor.config().worker().heartbeatInterval())) {
            start();
        }
    }

    public void stop() {
        if (nextTick != null) {
            nextTick.cancel();
            nextTick = null;
        }
    }

    /** At a fixed rate: the next tick is due one interval after the last was due, not after it ran. */
    private void scheduledTick() {
        tick();
        long now = loop.nanoTime();
        nextTickNanos = Math.max(nextTickNanos + interval.toNanos(), now);
        nextTick = loop.schedule(Duration.ofNanos(nextTickNanos - now), this::scheduledTick);
    }

    /** One round: pings the serving workers, kills the ones past a deadline. */
    void tick() {
        long now = loop.nanoTime();
        SluiceConfig config = supervisor.config();
        Duration timeout = config.worker().heartbeatTimeout();
        List<WorkerHandle> workers = supervisor.workers();
        Map<WorkerHandle, Integer> shares = ConnectionShare.of(config.rtmp().maxConnectionsTotal(), workers);
        for (WorkerHandle h : workers) {
            if (h.state == WorkerHandle.State.SPAWNED || h.state == WorkerHandle.State.IDENTIFIED) {
                if (now - h.spawnedNanos > Supervisor.START_TIMEOUT.toNanos()) {
                    h.killedFor = "start_timeout";
                    kill(h, "did not report running within " + Supervisor.START_TIMEOUT.toSeconds() + " s of its start");
                }
                continue;
            }
            if (!h.serving() || h.peer == null) {
                continue;
            }
            if (h.pingInFlight) {
                checkDeadline(h, h.pingSentNanos);
                continue;
            }
            h.pingInFlight = true;
            h.pingSentNanos = now;
            h.shareSent = shares.get(h);
            pinger.ping(h, new Heartbeat(h.shareSent), timeout.multipliedBy(2)).whenComplete((load, error) -> {
                if (error == null) {
                    h.recordRtt(loop.nanoTime() - now); // measured on arrival, not once the loop gets to it
                }
                loop.execute(() -> pong(h, load, error));
            });
            loop.schedule(timeout.plusMillis(1), () -> checkDeadline(h, now));
        }
    }

    private void checkDeadline(WorkerHandle h, long sentNanos) {
        long timeout = supervisor.config().worker().heartbeatTimeout().toNanos();
        long waited = loop.nanoTime() - sentNanos;
        if (h.pingInFlight && h.pingSentNanos == sentNanos && waited > timeout && h.serving()) {
            h.killedFor = "heartbeat";
            kill(h, "missed its heartbeat: no answer for " + TimeUnit.NANOSECONDS.toMillis(waited)
                    + " ms (timeout " + TimeUnit.NANOSECONDS.toMillis(timeout) + " ms, "
                    + TimeUnit.NANOSECONDS.toMillis(waited - timeout) + " ms late)");
        }
    }

    private void pong(WorkerHandle h, WorkerLoad load, Throwable error) {
        if (error != null) {
            if (!(error instanceof ChannelException) && !(error.getCause() instanceof ChannelException)) {
                log.warn("unreadable ping answer from {}: {}", h, error.getMessage());
            }
            return; // still in flight as far as the deadline goes
        }
        h.pingInFlight = false;
        h.shareApplied = h.shareSent;
        h.load = load;
    }

    private void kill(WorkerHandle h, String why) {
        if (!h.process.isAlive()) {
            return;
        }
        boolean replaced = h.slot.respawns() && h.slot.worker == h;
        log.warn("{} {}; killing it with SIGKILL{}", h, why, replaced ? " and starting a replacement" : "");
        h.pingInFlight = false;
        h.process.destroyForcibly();
    }
}
