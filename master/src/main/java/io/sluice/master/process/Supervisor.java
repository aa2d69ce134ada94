package io.sluice.master.process;

import io.sluice.common.ExitCodes;
import io.sluice.common.channel.ChannelPeer;
import io.sluice.common.channel.ChannelRequestException;
import io.sluice.common.channel.ErrorCode;
import io.sluice.common.config.SluiceConfig;
import io.sluice.common.config.WorkerSettings;
import io.sluice.common.protocol.IdentifyReply;
import io.sluice.common.protocol.WorkerIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Keeps the slots of the current generation filled, like nginx's master: spawns a worker per
 * slot, reaps exits, respawns with backoff, and gives a slot up when it crash-loops or its worker
 * exits with the bad-configuration code. During a reload it holds the next generation beside the
 * current one until the reloader promotes or abandons it ({@link GenerationSwap}). Stopping,
 * draining and heartbeats are the {@link Stopper}'s and the {@link HeartbeatMonitor}'s.
 *
 * <p>Every method runs on the master loop; process exits reach it through the {@code exits}
 * consumer, which must hand them to the loop.
 */
public final class Supervisor {

    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    /** A worker must report running this long after it was started, or it is killed. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final MasterLoop loop;
    private final Launcher launcher;
    private final Consumer<WorkerExit> exits;
    private final Consumer<WorkerHandle> onWorkerGone;
    private final BiFunction<Integer, Integer, String> relayEndpoints;
    private final Map<Long, WorkerHandle> byPid = new LinkedHashMap<>();
    private final Generations generations;
    private CompletableFuture<Void> allExited;

    /**
     * @param exits          told, on any thread, when a worker process exits; hands it to {@link #reap} on the loop
     * @param onWorkerGone   told on the loop when a worker is reaped, e.g. to drop the streams it owned
     * @param relayEndpoints the relay socket path of worker (id, generation)
     */
    public Supervisor(MasterLoop loop, Launcher launcher, SluiceConfig config, Consumer<WorkerExit> exits,
                      Consumer<WorkerHandle> onWorkerGone, BiFunction<Integer, Integer, String> relayEndpoints) {
        this.loop = loop;
        this.launcher = launcher;
        this.exits = exits;
        this.onWorkerGone = onWorkerGone;
        this.relayEndpoints = relayEndpoints;
        this.generations = new Generations(config);
    }

    /** The configuration of the current generation, with the reloads applied in place. */
    public SluiceConfig config() {
        return generations.current().config();
    }

    public int generation() {
        return generations.current().number();
    }

    /**
     * Starts the first generation, current at once. Completes once every slot runs or was given
     * up; fails with {@link GenerationFailed} when none runs.
     */
    public CompletableFuture<StartResult> start(int workers) {
        Generation g = generations.create(config(), workers);
        generations.first(g);
        g.slots().forEach(this::spawn);
        return g.up();
    }

    /** Starts a generation beside the current one (a reload); it is promoted or abandoned once up. */
    Generation startNext(SluiceConfig config, int workers) {
        Generation g = generations.create(config, workers);
        generations.beside(g);
        g.slots().forEach(this::spawn);
        return g;
    }

    /** The generations: promotion, rollback, retirement. */
    Generations generations() {
        return generations;
    }

    /** A reload applied in place: the current generation takes {@code config} (respawns, identify). */
    public void applyInPlace(SluiceConfig config) {
        generations.applyInPlace(config);
    }

    private void spawn(WorkerSlot slot) {
        slot.pendingRespawn = null;
        Generation g = generations.of(slot);
        if (g == null || !slot.respawns()) {
            return;
        }
        Process process;
        try {
            process = launcher.launch(slot.id, slot.generation, g.config().worker().jvmOptions());
        } catch (IOException e) {
            log.error("cannot start worker {}: {}", slot.id, e.getMessage());
            failed(slot, g, "could not be started: " + e.getMessage(), "spawn_failed");
            return;
        }
        WorkerHandle h = new WorkerHandle(slot, process, loop.nanoTime());
        slot.worker = h;
        byPid.put(h.pid(), h);
        log.debug("spawned {}", h);
        process.onExit().thenAccept(p -> exits.accept(new WorkerExit(h, p.exitValue())));
    }

    /** A worker exited: it is forgotten, and its slot respawned unless it was retired or given up. */
    public void reap(WorkerExit exit) {
        WorkerHandle h = exit.worker();
        int code = exit.code();
        WorkerHandle.State was = h.state;
        if (was == WorkerHandle.State.EXITED) {
            return;
        }
        h.state = WorkerHandle.State.EXITED;
        h.peer = null;
        byPid.remove(h.pid());
        onWorkerGone.accept(h);
        if (allExited != null && byPid.isEmpty()) {
            allExited.complete(null);
        }
        WorkerSlot slot = h.slot;
        Generation g = generations.of(slot);
        if (g == null || !slot.respawns() || slot.worker != h
                || was == WorkerHandle.State.DRAINING || was == WorkerHandle.State.STOPPING) {
            int current = generation();
            String which = h.generation() < current ? " (old generation)" : h.generation() > current ? " (rolled back)" : "";
            log.info("{} exited with code {}{}", h, code, which);
            return;
        }
        String before = was == WorkerHandle.State.RUNNING ? "" : " before it was running (failed start)";
        if (code == ExitCodes.BAD_CONFIG) {
            slot.givenUp = "exited with code " + code + " (bad configuration)" + before;
            slot.badConfig = true;
            log.error("{} {}: not respawning it. Fix the configuration (the worker's log line above says why), "
                    + "then reload or restart", h, slot.givenUp);
            g.settle();
            return;
        }
        // Exit 0 too: the master did not ask for it, and a slot left empty would lose capacity silently.
        log.warn("{} exited with code {}{}{}", h, code, before, code == ExitCodes.OK ? " without being asked to stop" : "");
        failed(slot, g, "exited with code " + code + before, h.killedFor == null ? "exit" : h.killedFor);
    }

    private void failed(WorkerSlot slot, Generation g, String why, String cause) {
        WorkerSettings settings = g.config().worker();
        int recent = slot.respawn.recordFailure(loop.nanoTime(), settings.respawnWindow());
        if (slot.respawn.crashLoop(settings.respawnMaxFailures())) {
            slot.givenUp = "failed " + recent + " times within " + settings.respawnWindow().toSeconds() + " s (last: "
                    + why + ")";
            log.error("worker slot {} {}: NOT RESPAWNING IT. Look at its log lines above, fix the cause, "
                    + "then reload or restart", slot.id, slot.givenUp);
            g.settle();
            return;
        }
        Duration delay = slot.respawn.backoff();
        MasterCounters.respawn(cause);
        log.info("respawning worker {} in {} ms", slot.id, delay.toMillis());
        slot.pendingRespawn = loop.schedule(delay, () -> spawn(slot));
    }

    /** {@code worker.identify}: a worker we started connected; it gets its generation's configuration. */
    public IdentifyReply identify(ChannelPeer peer, WorkerIdentity who) {
        WorkerHandle h = byPid.get(who.pid());
        if (h == null || h.id() != who.id() || h.generation() != who.generation()) {
            throw new ChannelRequestException(ErrorCode.UNKNOWN_WORKER, "no worker " + who.id() + " of generation "
                    + who.generation() + " with pid " + who.pid() + " was started by this master");
        }
        h.peer = peer;
        if (h.state == WorkerHandle.State.SPAWNED) {
            h.state = WorkerHandle.State.IDENTIFIED;
        }
        Generation g = generations.of(h.slot);
        SluiceConfig config = (g == null ? generations.current() : g).config();
        return new IdentifyReply(config, relayEndpoints.apply(h.id(), h.generation()));
    }

    /** {@code worker.running}: the worker bound its port and serves. */
    public void running(WorkerIdentity who) {
        WorkerHandle h = byPid.get(who.pid());
        if (h == null || h.state != WorkerHandle.State.IDENTIFIED) {
            log.warn("worker.running from an unexpected worker [id:{}, pid:{}]", who.id(), who.pid());
            return;
        }
        h.state = WorkerHandle.State.RUNNING;
        h.relayEndpoint = who.relayEndpoint();
        h.runningNanos = loop.nanoTime();
        log.info("{} running after {} ms", h, TimeUnit.NANOSECONDS.toMillis(h.runningNanos - h.spawnedNanos));
        Generation g = generations.of(h.slot);
        if (g != null) {
            g.settle();
        }
    }

    /** The channel of a worker closed; it exits by itself, and is reaped then. */
    public void channelClosed(ChannelPeer peer) {
        WorkerHandle h = byPeer(peer);
        if (h != null) {
            h.peer = null;
            log.debug("channel closed: {}", h);
        }
    }

    /**
     * The server stops: no slot is respawned any more, and a generation still starting fails.
     * Returns every live worker, for the stopper.
     */
    public List<WorkerHandle> retireAll() {
        generations.retireAll();
        return workers();
    }

    /** Completes once no worker process is left: the end of a stop, after {@link #retireAll}. */
    public CompletableFuture<Void> allExited() {
        if (allExited == null) {
            allExited = new CompletableFuture<>();
            if (byPid.isEmpty()) {
                allExited.complete(null);
            }
        }
        return allExited;
    }

    /** Workers of every generation still alive, the current generation's first. */
    public List<WorkerHandle> workers() {
        List<WorkerHandle> out = new ArrayList<>();
        for (WorkerSlot s : generations.current().slots()) {
            if (s.worker != null && s.worker.state != WorkerHandle.State.EXITED) {
                out.add(s.worker);
            }
        }
        byPid.values().stream().filter(h -> !out.contains(h)).forEach(out::add);
        return out;
    }

    /** Slots of the current generation that were given up, with the reason, for status output. */
    public Map<Integer, String> givenUp() {
        return generations.givenUp();
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
