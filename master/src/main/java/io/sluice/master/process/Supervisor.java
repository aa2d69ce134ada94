package io.sluice.master.process;

import io.sluice.common.ExitCodes;
import io.sluice.common.channel.ChannelException;
import io.sluice.common.channel.ChannelPeer;
import io.sluice.common.channel.ChannelRequestException;
import io.sluice.common.channel.ErrorCode;
import io.sluice.common.config.SluiceConfig;
import io.sluice.common.config.WorkerSettings;
import io.sluice.common.protocol.DrainOrder;
import io.sluice.common.protocol.Heartbeat;
import io.sluice.common.protocol.IdentifyReply;
import io.sluice.common.protocol.WorkerIdentity;
import io.sluice.common.protocol.WorkerLoad;
import io.sluice.common.protocol.WorkerProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Keeps the configured number of workers running, like nginx's master cycle: spawns them,
 * notices exits at once ({@code Process.onExit}), respawns with backoff, stops respawning a slot
 * that crash-loops or exits with the bad-configuration code, heartbeats the running ones and
 * replaces any that miss the deadline, and stops them with escalation.
 *
 * <p>Every method runs on the master loop, a single thread: channel callbacks and process exits
 * are posted to it, so state needs no locks and events are handled one at a time, in order.
 */
public final class Supervisor {

    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    /** A worker must report running this long after it was started, or it is killed. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final ScheduledExecutorService loop;
    private final Launcher launcher;
    private final Map<Long, WorkerHandle> byPid = new HashMap<>();
    private final List<WorkerHandle> retiring = new ArrayList<>();
    private final Consumer<WorkerHandle> onWorkerGone;
    private final BiFunction<Integer, Integer, String> relayEndpoints;
    private SluiceConfig config;
    private int generation;
    /** The last generation number handed out; a failed reload's number is not reused. */
    private int lastGeneration;
    private List<WorkerSlot> slots = List.of();
    private CompletableFuture<Void> generationUp = new CompletableFuture<>();
    private CompletableFuture<Void> stopped;
    private ScheduledFuture<?> heartbeat;
    private boolean drainingStop;

    /**
     * @param onWorkerGone   told (on the loop) when a worker process has exited, e.g. to drop
     *                       the streams it owned
     * @param relayEndpoints the relay socket path of worker (id, generation)
     */
    public Supervisor(ScheduledExecutorService loop, Launcher launcher, SluiceConfig config,
                      Consumer<WorkerHandle> onWorkerGone, BiFunction<Integer, Integer, String> relayEndpoints) {
        this.relayEndpoints = relayEndpoints;
        this.loop = loop;
        this.launcher = launcher;
        this.config = config;
        this.onWorkerGone = onWorkerGone;
    }

    public SluiceConfig config() {
        return config;
    }

    public int generation() {
        return generation;
    }

    /**
     * Starts a full generation of workers. Completes when every slot reports running; fails
     * when every slot gave up (bad configuration, crash loop), with the reason.
     */
    public CompletableFuture<Void> startGeneration(int workers) {
        generation = ++lastGeneration;
        generationUp = new CompletableFuture<>();
        List<WorkerSlot> next = new ArrayList<>();
        WorkerSettings w = config.worker();
        for (int id = 1; id <= workers; id++) {
            next.add(new WorkerSlot(id, generation, new RespawnPolicy(w.respawnMaxFailures(), w.respawnWindow())));
        }
        slots = next;
        log.info("starting {} worker(s), generation {}", workers, generation);
        next.forEach(this::spawn);
        restartHeartbeat();
        return generationUp;
    }

    private void spawn(WorkerSlot slot) {
        slot.pendingRespawn = null;
        if (stopped != null || slot.givenUp != null) {
            return;
        }
        Process process;
        try {
            process = launcher.launch(slot.id, slot.generation, config.worker().jvmOptions());
        } catch (IOException e) {
            log.error("cannot start worker {}: {}", slot.id, e.getMessage());
            failed(slot, "could not be started: " + e.getMessage());
            return;
        }
        WorkerHandle h = new WorkerHandle(slot.id, slot.generation, process);
        slot.worker = h;
        byPid.put(h.pid(), h);
        log.debug("spawned {}", h);
        process.onExit().thenAccept(p -> loop.execute(() -> exited(slot, h, p.exitValue())));
    }

    /** {@code worker.identify}: a worker we started connected; it gets the configuration. */
    public IdentifyReply identify(ChannelPeer peer, WorkerIdentity who) {
        WorkerHandle h = byPid.get(who.pid());
        if (h == null || h.id != who.id() || h.generation != who.generation()) {
            throw new ChannelRequestException(ErrorCode.UNKNOWN_WORKER, "no worker " + who.id() + " of generation "
                    + who.generation() + " with pid " + who.pid() + " was started by this master");
        }
        h.peer = peer;
        h.state = WorkerHandle.State.IDENTIFIED;
        return new IdentifyReply(config, relayEndpoints.apply(h.id, h.generation));
    }

    /** {@code worker.running}: the worker bound its port and serves. */
    public void running(WorkerIdentity who) {
        WorkerHandle h = byPid.get(who.pid());
        if (h == null || h.state != WorkerHandle.State.IDENTIFIED) {
            log.warn("worker.running from an unexpected worker [id:{}, pid:{}]", who.id(), who.pid());
            return;
        }
        h.state = WorkerHandle.State.RUNNING;
        h.port = who.port();
        h.relayEndpoint = who.relayEndpoint();
        h.runningNanos = System.nanoTime();
        log.info("{} running after {} ms", h, TimeUnit.NANOSECONDS.toMillis(h.runningNanos - h.spawnedNanos));
        if (slots.stream().allMatch(s -> s.worker != null && s.worker.state == WorkerHandle.State.RUNNING)) {
            generationUp.complete(null);
        }
    }

    /** The channel of a worker closed; it exits by itself, its exit is handled then. */
    public void channelClosed(ChannelPeer peer) {
        for (WorkerHandle h : byPid.values()) {
            if (h.peer == peer) {
                h.peer = null;
                log.debug("channel closed: {}", h);
            }
        }
    }

    private void exited(WorkerSlot slot, WorkerHandle h, int code) {
        WorkerHandle.State was = h.state;
        h.state = WorkerHandle.State.EXITED;
        byPid.remove(h.pid());
        retiring.remove(h);
        onWorkerGone.accept(h);
        if (stopped != null) {
            log.info("{} exited with code {}", h, code);
            if (byPid.isEmpty()) {
                stopped.complete(null);
            }
            return;
        }
        if (slot.worker != h || was == WorkerHandle.State.DRAINING || !slots.contains(slot)) {
            log.info("{} exited with code {} (old generation)", h, code);
            return;
        }
        String before = was == WorkerHandle.State.RUNNING ? "" : " before it was running (failed start)";
        if (code == ExitCodes.BAD_CONFIG) {
            slot.givenUp = "exited with code " + code + " (bad configuration)" + before;
            log.error("{} {}: not respawning it. Fix the configuration (the worker's log line above says why), "
                    + "then reload or restart", h, slot.givenUp);
            checkGenerationGivenUp();
            return;
        }
        log.warn("{} exited with code {}{}", h, code, before);
        failed(slot, "exited with code " + code + before);
    }

    private void failed(WorkerSlot slot, String why) {
        int recent = slot.respawn.recordFailure(System.nanoTime());
        if (slot.respawn.crashLoop()) {
            slot.givenUp = "failed " + recent + " times within " + slot.respawn.window().toSeconds() + " s";
            log.error("worker slot {} {} (last: {}): NOT RESPAWNING IT. Look at its log lines above, fix the cause, "
                    + "then reload or restart", slot.id, slot.givenUp, why);
            checkGenerationGivenUp();
            return;
        }
        Duration delay = slot.respawn.backoff();
        log.info("respawning worker {} in {} ms", slot.id, delay.toMillis());
        slot.pendingRespawn = loop.schedule(() -> spawn(slot), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void checkGenerationGivenUp() {
        if (slots.stream().allMatch(s -> s.givenUp != null)) {
            generationUp.completeExceptionally(new IllegalStateException(
                    "no worker of generation " + generation + " could run: " + slots.get(0).givenUp));
        }
    }

    private void restartHeartbeat() {
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        long interval = config.worker().heartbeatInterval().toMillis();
        heartbeat = loop.scheduleAtFixedRate(this::heartbeatTick, interval, interval, TimeUnit.MILLISECONDS);
    }

    /** Pings running workers and kills the ones that missed their deadline. */
    void heartbeatTick() {
        long now = System.nanoTime();
        long timeout = config.worker().heartbeatTimeout().toNanos();
        for (WorkerHandle h : List.copyOf(byPid.values())) {
            if (h.state == WorkerHandle.State.SPAWNED || h.state == WorkerHandle.State.IDENTIFIED) {
                if (now - h.spawnedNanos > START_TIMEOUT.toNanos()) {
                    kill(h, "did not report running within " + START_TIMEOUT.toSeconds() + " s of its start");
                }
                continue;
            }
            if (h.state != WorkerHandle.State.RUNNING && h.state != WorkerHandle.State.DRAINING) {
                continue;
            }
            if (h.pingInFlight) {
                checkDeadline(h, h.pingSentNanos);
                continue;
            }
            ChannelPeer peer = h.peer;
            if (peer == null) {
                continue;
            }
            h.pingInFlight = true;
            h.pingSentNanos = now;
            peer.request(WorkerProtocol.PING, new Heartbeat(0), Duration.ofNanos(timeout * 2))
                    .whenComplete((data, error) -> {
                        if (error == null) {
                            h.recordRtt(System.nanoTime() - now); // measured on arrival, not on the loop
                        }
                        loop.execute(() -> pong(h, data, error));
                    });
            // Checked at the deadline itself, not at the next tick, so a hung worker is
            // replaced on time rather than up to one interval late.
            loop.schedule(() -> checkDeadline(h, now), timeout + TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.NANOSECONDS);
        }
    }

    private void checkDeadline(WorkerHandle h, long sentNanos) {
        long timeout = config.worker().heartbeatTimeout().toNanos();
        long waited = System.nanoTime() - sentNanos;
        if (h.pingInFlight && h.pingSentNanos == sentNanos && waited > timeout
                && h.state != WorkerHandle.State.EXITED && h.state != WorkerHandle.State.STOPPING) {
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
            return; // still in flight as far as the deadline goes: the next tick decides
        }
        h.pingInFlight = false;
        h.load = load;
    }

    private void kill(WorkerHandle h, String why) {
        if (!h.process.isAlive()) {
            return;
        }
        log.warn("{} {}; killing it with SIGKILL and starting a replacement", h, why);
        h.pingInFlight = false;
        h.process.destroyForcibly();
    }

    /**
     * Stops every worker: {@code worker.close} over the channel, SIGTERM after half of
     * {@code stop_timeout}, SIGKILL after all of it. Completes when all have exited.
     */
    public CompletableFuture<Void> stop(boolean now) {
        if (stopped != null && drainingStop) {
            // A stop during a draining stop cuts it short.
            drainingStop = false;
            long timeout = config.worker().stopTimeout().toMillis();
            for (WorkerHandle h : List.copyOf(byPid.values())) {
                if (h.state != WorkerHandle.State.STOPPING) {
                    stopWorker(h, now, timeout);
                }
            }
            return stopped;
        }
        if (stopped != null) {
            return stopped;
        }
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        if (!beginStop()) {
            return stopped;
        }
        long timeout = config.worker().stopTimeout().toMillis();
        log.info("stopping {} worker(s){}", byPid.size(), now ? " now" : "");
        for (WorkerHandle h : byPid.values()) {
            stopWorker(h, now, timeout);
        }
        return stopped;
    }

    /**
     * From now on nothing is respawned and {@link #stopped} completes when the last worker has
     * exited; false when none is left, {@link #stopped} then being complete already.
     */
    private boolean beginStop() {
        stopped = new CompletableFuture<>();
        for (WorkerSlot s : slots) {
            if (s.pendingRespawn != null) {
                s.pendingRespawn.cancel(false);
            }
        }
        if (byPid.isEmpty()) {
            stopped.complete(null);
            return false;
        }
        return true;
    }

    /** Whether a draining stop is under way. */
    public boolean draining() {
        return drainingStop;
    }

    /**
     * Stops every worker gracefully: each closes its listener and stops once its sessions have
     * ended; one still busy after {@code drain_timeout} is stopped as by {@link #stop}.
     * Heartbeats go on meanwhile, so a worker that hangs is still killed (and not replaced).
     */
    public CompletableFuture<Void> stopDraining() {
        if (stopped != null) {
            return stopped;
        }
        drainingStop = true;
        if (!beginStop()) {
            return stopped;
        }
        Duration timeout = config.worker().drainTimeout();
        log.info("draining {} worker(s), at most {} ms", byPid.size(), timeout.toMillis());
        for (WorkerHandle h : List.copyOf(byPid.values())) {
            if (h.state != WorkerHandle.State.STOPPING) {
                drainWorker(h, timeout);
            }
        }
        return stopped;
    }

    /**
     * {@code worker.drain}, then a stop once {@code timeout} has passed with the worker still
     * there; a worker that cannot drain (no channel, not serving, or a zero timeout) is stopped
     * at once.
     */
    private void drainWorker(WorkerHandle h, Duration timeout) {
        long stopTimeout = config.worker().stopTimeout().toMillis();
        boolean serving = h.state == WorkerHandle.State.RUNNING || h.state == WorkerHandle.State.DRAINING;
        if (h.peer == null || timeout.isZero() || !serving) {
            stopWorker(h, false, stopTimeout);
            return;
        }
        if (h.state == WorkerHandle.State.RUNNING) {
            h.state = WorkerHandle.State.DRAINING;
            h.peer.request(WorkerProtocol.DRAIN, new DrainOrder(timeout.toMillis()));
        }
        loop.schedule(() -> {
            if (h.state == WorkerHandle.State.DRAINING) {
                log.info("{} still has sessions after the drain timeout ({} ms); stopping it", h, timeout.toMillis());
                stopWorker(h, false, stopTimeout);
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** worker.close (or SIGTERM when {@code now}), SIGTERM at half the timeout, SIGKILL at all of it. */
    private void stopWorker(WorkerHandle h, boolean now, long timeout) {
        h.state = WorkerHandle.State.STOPPING;
        ChannelPeer peer = h.peer;
        if (now || peer == null) {
            h.process.destroy();
        } else {
            peer.request(WorkerProtocol.CLOSE, null, Duration.ofMillis(timeout));
            loop.schedule(() -> escalate(h, false, "did not stop within " + timeout / 2 + " ms of worker.close"),
                    timeout / 2, TimeUnit.MILLISECONDS);
        }
        loop.schedule(() -> escalate(h, true, "did not stop within " + timeout + " ms"), timeout,
                TimeUnit.MILLISECONDS);
    }

    /**
     * A reload whose changes all apply in place: the master takes the new heartbeat, stop and
     * respawn values at once, and every worker that serves gets {@code worker.updateSettings}.
     * Completes with the number of workers that applied them; fails when one refused.
     */
    public CompletableFuture<Integer> applyInPlace(SluiceConfig next) {
        boolean newHeartbeat = !config.worker().heartbeatInterval().equals(next.worker().heartbeatInterval());
        config = next;
        if (newHeartbeat && stopped == null) {
            restartHeartbeat();
        }
        return pushSettings(next, byPid.values());
    }

    private CompletableFuture<Integer> pushSettings(SluiceConfig next, Iterable<WorkerHandle> to) {
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (WorkerHandle h : to) {
            ChannelPeer peer = h.peer;
            if (peer != null && (h.state == WorkerHandle.State.RUNNING || h.state == WorkerHandle.State.DRAINING)) {
                acks.add(peer.request(WorkerProtocol.UPDATE_SETTINGS, next)
                        .exceptionally(e -> {
                            throw new IllegalStateException(h + " did not take the settings: " + e.getMessage(), e);
                        }));
            }
        }
        int n = acks.size();
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).thenApply(v -> n);
    }

    /**
     * A reload that needs new processes: starts a full new generation with {@code next}; once
     * every new worker runs, the old ones are told to drain (close their listener, serve their
     * sessions until these end) and are stopped when {@code drain_timeout} passes. When the new
     * generation cannot run, it is stopped and the old one keeps serving with the old settings.
     */
    public CompletableFuture<Void> replaceGeneration(SluiceConfig next, int workers) {
        SluiceConfig previousConfig = config;
        List<WorkerSlot> previousSlots = slots;
        int previousGeneration = generation;
        CompletableFuture<Void> previousUp = generationUp;
        config = next;
        CompletableFuture<Void> up = startGeneration(workers);
        ScheduledFuture<?> deadline = loop.schedule(() -> up.completeExceptionally(new IllegalStateException(
                "generation " + generation + " did not run within " + START_TIMEOUT.toSeconds() + " s")),
                START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        CompletableFuture<Void> done = new CompletableFuture<>();
        up.whenComplete((v, failure) -> loop.execute(() -> {
            deadline.cancel(false);
            if (stopped != null) {
                done.completeExceptionally(new IllegalStateException("the server is stopping"));
                return;
            }
            if (failure == null) {
                drain(previousSlots, next.worker().drainTimeout());
                done.complete(null);
                return;
            }
            log.error("reload: the new generation {} could not run ({}); stopping it, generation {} keeps serving "
                    + "with the previous configuration", generation, failure.getMessage(), previousGeneration);
            for (WorkerSlot s : slots) {
                s.givenUp = "rolled back";
                if (s.pendingRespawn != null) {
                    s.pendingRespawn.cancel(false);
                }
                if (s.worker != null && s.worker.state != WorkerHandle.State.EXITED) {
                    retiring.add(s.worker);
                    stopWorker(s.worker, false, previousConfig.worker().stopTimeout().toMillis());
                }
            }
            slots = previousSlots;
            generation = previousGeneration;
            generationUp = previousUp;
            config = previousConfig;
            restartHeartbeat();
            done.completeExceptionally(failure);
        }));
        return done;
    }

    private void drain(List<WorkerSlot> old, Duration timeout) {
        for (WorkerSlot s : old) {
            if (s.pendingRespawn != null) {
                s.pendingRespawn.cancel(false);
            }
            WorkerHandle h = s.worker;
            if (h == null || h.state == WorkerHandle.State.EXITED || h.state == WorkerHandle.State.STOPPING) {
                continue;
            }
            retiring.add(h);
            drainWorker(h, timeout);
        }
        log.info("generation {} running; the previous workers drain (at most {} ms)", generation, timeout.toMillis());
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

    /** Workers of every generation still alive, current generation first. */
    public List<WorkerHandle> workers() {
        List<WorkerHandle> out = new ArrayList<>();
        for (WorkerSlot s : slots) {
            if (s.worker != null && s.worker.state != WorkerHandle.State.EXITED) {
                out.add(s.worker);
            }
        }
        out.addAll(retiring);
        return out;
    }

    /** Slots that were given up, with the reason, for status output. */
    public Map<Integer, String> givenUp() {
        Map<Integer, String> out = new HashMap<>();
        for (WorkerSlot s : slots) {
            if (s.givenUp != null) {
                out.put(s.id, s.givenUp);
            }
        }
        return out;
    }

    /** The worker with this channel peer, if any. */
    public WorkerHandle byPeer(ChannelPeer peer) {
        for (WorkerHandle h : byPid.values()) {
            if (h.peer == peer) {
                return h;
            }
        }
        return null;
    }
}
