package io.sluice.master.directory.redis;

import io.sluice.common.channel.ChannelPeer;
import io.sluice.common.protocol.ClaimReply;
import io.sluice.common.protocol.StreamLocation;
import io.sluice.common.protocol.StreamRef;
import io.sluice.common.protocol.WorkerProtocol;
import io.sluice.common.protocol.control.StreamWhere;
import io.sluice.master.directory.ClusterDirectory;
import io.sluice.master.directory.StreamDirectory;
import io.sluice.master.process.MasterLoop;
import io.sluice.master.process.WorkerHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The stream directory of several hosts: this host's {@link StreamDirectory} first, then leases
 * in Redis ({@link RedisKeys}), so that a name is published once in the whole cluster and a
 * player on any host finds it.
 *
 * <ul>
 *   <li>A claim is granted here first (a second publisher on this host is refused without asking
 *       Redis), then taken in Redis; a lease held by another host refuses it. A lease is renewed
 *       every third of {@code cluster.lease_ttl}; a host that stops renewing (died, cut off) loses
 *       its names when the TTL runs out, and another host can take them with a higher epoch.</li>
 *   <li>A locate that this host cannot answer reads the lease. Another host's stream is relayed
 *       into one worker here (the "crossing" worker): the other workers that want it are sent to
 *       that worker's relay endpoint, so a stream crosses the network once per host.</li>
 *   <li>Workers waiting for a name are told when another host takes it (Redis pub/sub).</li>
 *   <li>A host whose crossing worker relays a stream notes itself in Redis as relaying it, with
 *       the lease TTL, renewed with the leases (for bin/ctl where, the API and metrics; nothing
 *       decides on it). The owner reads that list in its renewals' answers.</li>
 *   <li>Redis unreachable: claims are granted on this host alone and taken in Redis at the next
 *       resync; locates of other hosts' streams wait (players give up at play_wait_timeout).
 *       After every (re)connection a full resync renews every lease, gives back what Redis should
 *       no longer hold for this host, and answers the workers still waiting.</li>
 * </ul>
 * Everything runs on the master loop; Redis answers are moved back to it.
 */
public final class RedisDirectory implements ClusterDirectory {

    private static final Logger log = LoggerFactory.getLogger(RedisDirectory.class);
    /**
     * How long a worker that was sent to another host counts as this host's crossing for a
     * stream before its relay runs: the relay's connect timeout, so a relay that never started
     * does not keep the other workers pointed at it.
     */
    static final Duration CROSSING_GRACE = Duration.ofSeconds(5);
    /** Pause between a (re)connection and the resync: lets Lettuce finish its own handshake. */
    static final Duration RESYNC_DELAY = Duration.ofMillis(200);
    /** How long a worker has to close the publisher of a name another host took. */
    static final Duration DROP_TIMEOUT = Duration.ofSeconds(2);

    private final StreamDirectory local;
    private final MasterLoop loop;
    private final String node;
    private final String advertise;
    private final Duration ttl;
    private final RedisStore store;
    /** The names this host's workers publish, with their leases (epoch 0: not in Redis yet). */
    private final Map<StreamRef, Lease> leases = new HashMap<>();
    /** Releases Redis did not take (down): done at the next resync unless claimed again. */
    private final Map<StreamRef, Long> pendingReleases = new HashMap<>();
    private final Map<StreamRef, Crossing> crossings = new HashMap<>();
    /** Streams of other hosts relayed into this host (by its crossing worker), noted in Redis. */
    private final Map<StreamRef, RelayIn> relayedIn = new HashMap<>();
    private MasterLoop.Cancellable renewal;
    private boolean resyncScheduled;
    private boolean redisFailing;
    private boolean closed;

    /** A lease this host holds or wants. */
    private static final class Lease {
        final WorkerHandle owner;
        long epoch;
        /** Another host holds the name now: this host stopped renewing it. */
        boolean lost;
        /** The hosts relaying it, as of the last renewal. */
        List<String> relayNodes = List.of();

        Lease(WorkerHandle owner) {
            this.owner = owner;
        }
    }

    /** The worker of this host that relays a stream from another host, and the lease it follows. */
    private record Crossing(WorkerHandle worker, long sinceNanos, StreamLease lease) {
    }

    /** A relay from another host that runs, into {@code worker}. */
    private record RelayIn(WorkerHandle worker, StreamLease lease) {
    }

    RedisDirectory(StreamDirectory local, MasterLoop loop, String node, String advertise, Duration ttl,
                   java.util.function.Function<RedisDirectory, RedisStore> store) {
        this.local = local;
        this.loop = loop;
        this.node = node;
        this.advertise = advertise;
        this.ttl = ttl;
        this.store = store.apply(this);
    }

    /**
     * Connects to Redis (in the background: the master starts even while Redis is down) and
     * starts renewing.
     *
     * @param url       {@code cluster.redis}
     * @param redacted  the URL without credentials, for logs
     * @param node      this host's node name
     * @param advertise {@code host:port} other hosts relay from
     */
    public static RedisDirectory start(StreamDirectory local, MasterLoop loop, String url, String redacted, String node,
                                       String advertise, Duration ttl) {
        RedisDirectory d = new RedisDirectory(local, loop, node, advertise, ttl, self ->
                new RedisStore(url, redacted, () -> onLoop(loop, self::scheduleResync),
                        (from, ref) -> onLoop(loop, () -> self.announced(from, ref))));
        d.store.start();
        loop.execute(d::scheduleRenewal);
        log.info("cluster directory in Redis {} as node {} (relays from other hosts to {}), lease ttl {} ms",
                redacted, node, advertise, ttl.toMillis());
        return d;
    }

    /** Runs a Redis event on the loop; dropped when the loop has stopped (the master is stopping). */
    private static void onLoop(MasterLoop loop, Runnable task) {
        try {
            loop.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            log.debug("Redis event after the master loop stopped: dropped");
        }
    }

    @Override
    public String node() {
        return node;
    }

    @Override
    public StreamDirectory local() {
        return local;
    }

    @Override
    public CompletableFuture<ClaimReply> claim(WorkerHandle worker, StreamRef ref) {
        ClaimReply here = local.claim(worker, ref);
        if (!here.granted()) {
            return CompletableFuture.completedFuture(here);
        }
        Lease lease = new Lease(worker);
        leases.put(ref, lease);
        pendingReleases.remove(ref);
        return store.claim(node, ref, ttl, advertise, System.currentTimeMillis(), worker.id()).handleAsync((r, e) -> {
            if (leases.get(ref) != lease) {
                // The publisher left while Redis answered: give back what the claim took.
                if (r != null && r.granted() && leases.get(ref) == null) {
                    releaseInRedis(ref, r.epoch());
                }
                return new ClaimReply(true, 0);
            }
            if (e != null) {
                redisFailed("claim of " + ref, e);
                log.warn("{} granted to worker {} on this host alone: Redis did not answer ({}); it is claimed in "
                        + "Redis at the next renewal", ref, worker.id(), e.getMessage());
                return new ClaimReply(true, 0);
            }
            redisAnswered();
            if (r.granted()) {
                lease.epoch = r.epoch();
                lease.relayNodes = r.relayNodes();
                log.debug("{} leased to this host (epoch {})", ref, r.epoch());
                return new ClaimReply(true, 0);
            }
            leases.remove(ref);
            local.release(worker, ref);
            log.info("claim of {} by worker {} refused: host {} publishes it (epoch {})", ref, worker.id(), r.owner(),
                    r.epoch());
            return new ClaimReply(false, 0);
        }, loop);
    }

    @Override
    public void release(WorkerHandle worker, StreamRef ref) {
        if (!local.release(worker, ref)) {
            return;
        }
        Lease lease = leases.remove(ref);
        if (lease != null && !lease.lost) {
            // Epoch 0: a claim Redis may have taken without our hearing; any epoch of ours goes.
            releaseInRedis(ref, lease.epoch == 0 ? null : lease.epoch);
        }
    }

    private void releaseInRedis(StreamRef ref, Long epoch) {
        store.release(node, ref, epoch).whenCompleteAsync((released, e) -> {
            if (e != null) {
                redisFailed("release of " + ref, e);
                if (!leases.containsKey(ref)) {
                    pendingReleases.put(ref, epoch == null ? 0L : epoch);
                }
            } else {
                redisAnswered();
                log.debug("{} released in Redis: {}", ref, released);
            }
        }, loop);
    }

    @Override
    public CompletableFuture<StreamLocation> locate(WorkerHandle worker, StreamRef ref) {
        StreamLocation here;
        try {
            here = local.locate(worker, ref);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (here.found()) {
            return CompletableFuture.completedFuture(here);
        }
        WorkerHandle crossing = crossing(ref, worker);
        if (crossing != null) {
            local.waitCancelled(worker, ref);
            return CompletableFuture.completedFuture(StreamDirectory.location(ref, crossing));
        }
        return store.lease(ref).handleAsync((lease, e) -> {
            if (e != null) {
                // The worker stays in the waiting list: the resync after Redis returns answers it.
                redisFailed("locate of " + ref, e);
                return here;
            }
            redisAnswered();
            if (lease == null || lease.node().equals(node)) {
                return here;
            }
            local.waitCancelled(worker, ref);
            return routeTo(worker, ref, lease);
        }, loop);
    }

    /**
     * Where {@code worker} gets {@code ref}, which {@code lease}'s host publishes: from this
     * host's crossing worker when there is one, else from that host (and it becomes the crossing).
     */
    private StreamLocation routeTo(WorkerHandle worker, StreamRef ref, StreamLease lease) {
        WorkerHandle crossing = crossing(ref, worker);
        if (crossing != null) {
            return StreamDirectory.location(ref, crossing);
        }
        crossings.put(ref, new Crossing(worker, loop.nanoTime(), lease));
        log.debug("{} relayed into worker {} from host {} at {}", ref, worker.id(), lease.node(), lease.addr());
        return StreamLocation.onHost(ref, lease.node(), lease.addr());
    }

    /** This host's worker that relays {@code ref} from another host, if it is not {@code asking}. */
    private WorkerHandle crossing(StreamRef ref, WorkerHandle asking) {
        Crossing c = crossings.get(ref);
        if (c == null || c.worker == asking || !c.worker.alive() || c.worker.relayEndpoint() == null) {
            return null;
        }
        boolean young = loop.nanoTime() - c.sinceNanos < CROSSING_GRACE.toNanos();
        return local.relays(c.worker, ref) || young ? c.worker : null;
    }

    /** {@code from} took a lease on {@code ref}: workers here waiting for it are told where it is. */
    void announced(String from, StreamRef ref) {
        if (closed || from.equals(node) || !local.waited().contains(ref)) {
            return;
        }
        store.lease(ref).whenCompleteAsync((lease, e) -> {
            if (e == null) {
                tellWaiters(ref, lease);
            }
        }, loop);
    }

    private void tellWaiters(StreamRef ref, StreamLease lease) {
        if (lease == null || lease.node().equals(node)) {
            return;
        }
        for (WorkerHandle w : local.takeWaiters(ref)) {
            ChannelPeer peer = w.peer();
            if (peer != null) {
                peer.notify(WorkerProtocol.PUBLISHED, ref.toString(), routeTo(w, ref, lease));
            }
        }
    }

    @Override
    public void workerGone(WorkerHandle worker) {
        for (StreamRef ref : local.workerGone(worker)) {
            Lease lease = leases.remove(ref);
            if (lease != null && !lease.lost) {
                releaseInRedis(ref, lease.epoch == 0 ? null : lease.epoch);
            }
        }
        crossings.values().removeIf(c -> c.worker == worker);
        relayedIn.entrySet().removeIf(e -> {
            if (e.getValue().worker == worker) {
                relayEnded(e.getKey());
                return true;
            }
            return false;
        });
    }

    @Override
    public void relayOpened(WorkerHandle worker, StreamRef ref) {
        local.relayOpened(worker, ref);
        Crossing c = crossings.get(ref);
        if (c != null && c.worker == worker && local.owner(ref) == null) {
            relayedIn.put(ref, new RelayIn(worker, c.lease));
            noteRelaying(ref);
        }
    }

    @Override
    public void relayClosed(WorkerHandle worker, StreamRef ref) {
        local.relayClosed(worker, ref);
        RelayIn in = relayedIn.get(ref);
        if (in != null && in.worker == worker) {
            relayedIn.remove(ref);
            relayEnded(ref);
        }
    }

    /** Notes (or renews) in Redis that this host relays {@code ref}: one command per relay and renewal. */
    private void noteRelaying(StreamRef ref) {
        store.relaying(node, ref, ttl).whenCompleteAsync((v, e) -> {
            if (e != null) {
                redisFailed("note of the relay of " + ref, e);
            }
        }, loop);
    }

    private void relayEnded(StreamRef ref) {
        store.relayEnded(node, ref).whenCompleteAsync((v, e) -> {
            if (e != null) {
                // Expires with the TTL anyway.
                log.debug("the end of the relay of {} not noted in Redis: {}", ref, e.getMessage());
            }
        }, loop);
    }

    // ---- renewal and resync

    private void scheduleRenewal() {
        if (closed) {
            return;
        }
        renewal = loop.schedule(ttl.dividedBy(3), () -> {
            renewAll();
            scheduleRenewal();
        });
    }

    private void renewAll() {
        for (Map.Entry<StreamRef, Lease> e : new ArrayList<>(leases.entrySet())) {
            if (!e.getValue().lost) {
                renew(e.getKey(), e.getValue());
            }
        }
        crossings.entrySet().removeIf(e -> crossing(e.getKey(), null) == null);
        relayedIn.keySet().forEach(this::noteRelaying);
    }

    private void renew(StreamRef ref, Lease lease) {
        store.claim(node, ref, ttl, advertise, System.currentTimeMillis(), lease.owner.id()).whenCompleteAsync((r, e) -> {
            if (leases.get(ref) != lease) {
                return; // released meanwhile; Redis ran the release after this renewal
            }
            if (e != null) {
                redisFailed("renewal of " + ref, e);
                return;
            }
            redisAnswered();
            if (r.granted()) {
                if (lease.epoch != r.epoch()) {
                    log.info("{} leased to this host again (epoch {}, was {})", ref, r.epoch(), lease.epoch);
                }
                lease.epoch = r.epoch();
                lease.relayNodes = r.relayNodes();
            } else {
                lease.lost = true;
                log.warn("{} is now held by host {} (epoch {}): this host's lease ran out before it could renew it; "
                        + "closing the publisher on worker {}, so that this host's players follow host {}", ref,
                        r.owner(), r.epoch(), lease.owner.id(), r.owner());
                dropPublisher(lease.owner, ref);
            }
        }, loop);
    }

    /**
     * A name has one publisher in the cluster: the one on the host that holds the lease. The
     * worker closes ours; its unpublish releases the lost lease here (not in Redis), and this
     * host's players locate the name again, which is now on the other host.
     */
    private void dropPublisher(WorkerHandle owner, StreamRef ref) {
        ChannelPeer peer = owner.peer();
        if (peer == null) {
            return; // the worker is gone: its streams went with it
        }
        peer.request(WorkerProtocol.DROP, ref, DROP_TIMEOUT).whenComplete((v, e) -> {
            if (e != null) {
                log.warn("worker {} did not close the publisher of {}: {}", owner.id(), ref, e.getMessage());
            }
        });
    }

    private void scheduleResync() {
        if (closed || resyncScheduled) {
            return;
        }
        resyncScheduled = true;
        loop.schedule(RESYNC_DELAY, () -> {
            resyncScheduled = false;
            resync();
        });
    }

    /** After a (re)connection: Redis may have lost or expired anything; write this host's view again. */
    private void resync() {
        if (closed) {
            return;
        }
        log.info("resync with Redis: {} lease(s), {} pending release(s), {} name(s) waited for", leases.size(),
                pendingReleases.size(), local.waited().size());
        renewAll();
        for (Map.Entry<StreamRef, Long> e : new ArrayList<>(pendingReleases.entrySet())) {
            pendingReleases.remove(e.getKey());
            releaseInRedis(e.getKey(), e.getValue() == 0 ? null : e.getValue());
        }
        store.namesOf(node).whenCompleteAsync((names, e) -> {
            if (e != null) {
                redisFailed("resync", e);
                return;
            }
            for (String name : names) {
                StreamRef ref = parse(name);
                if (ref != null && !leases.containsKey(ref)) {
                    log.info("{} was held by this node in Redis but is not published here: released", ref);
                    releaseInRedis(ref, null);
                }
            }
        }, loop);
        for (StreamRef ref : local.waited()) {
            store.lease(ref).whenCompleteAsync((lease, e) -> {
                if (e == null) {
                    tellWaiters(ref, lease);
                }
            }, loop);
        }
    }

    private static StreamRef parse(String name) {
        int slash = name.indexOf('/');
        return slash <= 0 || slash == name.length() - 1 ? null
                : new StreamRef(name.substring(0, slash), name.substring(slash + 1));
    }

    private void redisFailed(String what, Throwable e) {
        if (!redisFailing) {
            redisFailing = true;
            log.warn("Redis failed ({}): {}; streams of other hosts cannot be found until it answers again", what,
                    e.getMessage());
        } else {
            log.debug("Redis failed ({}): {}", what, e.getMessage());
        }
    }

    private void redisAnswered() {
        if (redisFailing) {
            redisFailing = false;
            log.info("Redis answers again");
        }
    }

    // ---- views

    /** Whether both Redis connections are up (commands, and the subscription to announcements). */
    public boolean connected() {
        return store.ready();
    }

    /** The lease on {@code ref} as Redis has it; null when none. For bin/ctl and the API. */
    public CompletableFuture<StreamLease> lease(StreamRef ref) {
        return store.lease(ref);
    }

    /**
     * Asks Redis (one script) who publishes {@code ref} and which hosts relay it. Published here:
     * this host's view with the relaying hosts (as of the last renewal when Redis fails).
     * Elsewhere: the lease's host and worker, and this host's workers relaying it.
     */
    @Override
    public CompletableFuture<StreamWhere> where(StreamRef ref) {
        StreamWhere here = local.where(ref);
        return store.where(ref).handleAsync((w, e) -> {
            if (e != null) {
                redisFailed("where of " + ref, e);
                return here == null ? null : here.onNode(node, relayNodesOf(ref));
            }
            redisAnswered();
            if (here != null) {
                return here.onNode(node, w.relayNodes());
            }
            if (w.lease() == null || w.lease().node().equals(node)) {
                return null;
            }
            return remote(ref, w.lease(), w.relayNodes());
        }, loop);
    }

    private StreamWhere remote(StreamRef ref, StreamLease lease, List<String> relayNodes) {
        List<Integer> relays = local.relaysOf(ref).stream().map(WorkerHandle::id).sorted().toList();
        return new StreamWhere(ref.app(), ref.name(), lease.worker(), 0, relays, lease.since(), lease.node(),
                relayNodes);
    }

    private List<String> relayNodesOf(StreamRef ref) {
        Lease lease = leases.get(ref);
        return lease == null || lease.lost ? List.of() : lease.relayNodes;
    }

    @Override
    public List<StreamWhere> all() {
        Map<String, StreamWhere> sorted = new TreeMap<>();
        for (StreamWhere w : local.all()) {
            StreamRef ref = new StreamRef(w.app(), w.name());
            sorted.put(ref.toString(), w.onNode(node, relayNodesOf(ref)));
        }
        relayedIn.forEach((ref, in) -> sorted.putIfAbsent(ref.toString(), remote(ref, in.lease, List.of(node))));
        return new ArrayList<>(sorted.values());
    }

    @Override
    public Status status() {
        Map<String, Integer> in = new TreeMap<>();
        relayedIn.values().forEach(r -> in.merge(r.lease.node(), 1, Integer::sum));
        Map<String, Integer> out = new TreeMap<>();
        leases.values().forEach(l -> {
            if (!l.lost) {
                l.relayNodes.forEach(n -> out.merge(n, 1, Integer::sum));
            }
        });
        return new Status(node, connected(), in, out, lost().size());
    }

    /** The epoch of this host's lease on {@code ref}; 0 when it holds none (or not in Redis yet). */
    public long epochOf(StreamRef ref) {
        Lease lease = leases.get(ref);
        return lease == null || lease.lost ? 0 : lease.epoch;
    }

    /** Names this host publishes whose lease another host took. */
    public List<StreamRef> lost() {
        List<StreamRef> lost = new ArrayList<>();
        leases.forEach((ref, lease) -> {
            if (lease.lost) {
                lost.add(ref);
            }
        });
        return lost;
    }

    /** Stops without giving anything back, as a master killed with SIGKILL would (tests). */
    void abandon() {
        closed = true;
        store.close();
    }

    /**
     * Gives back every lease (waiting at most a second for Redis: the master is stopping, its
     * workers are gone) and closes the connections. Called off the loop, after it stopped
     * serving workers; what Redis does not take in time expires with the TTL, as after a crash.
     */
    @Override
    public void close() {
        CompletableFuture<Void> released = CompletableFuture.supplyAsync(() -> {
            closed = true;
            if (renewal != null) {
                renewal.cancel();
            }
            List<CompletableFuture<?>> all = new ArrayList<>();
            leases.forEach((ref, lease) -> {
                if (!lease.lost) {
                    all.add(store.release(node, ref, lease.epoch == 0 ? null : lease.epoch));
                }
            });
            leases.clear();
            relayedIn.keySet().forEach(ref -> all.add(store.relayEnded(node, ref)));
            relayedIn.clear();
            return all;
        }, loop).thenCompose(all -> CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)));
        try {
            released.get(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("leases not all given back at stop: {}", e.toString());
        }
        store.close();
    }
}
