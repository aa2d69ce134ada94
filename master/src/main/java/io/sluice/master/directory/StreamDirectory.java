package io.sluice.master.directory;

import io.sluice.common.channel.ChannelPeer;
import io.sluice.common.channel.ChannelRequestException;
import io.sluice.common.channel.ErrorCode;
import io.sluice.common.protocol.ClaimReply;
import io.sluice.common.protocol.StreamGone;
import io.sluice.common.protocol.StreamLocation;
import io.sluice.common.protocol.StreamRef;
import io.sluice.common.protocol.WorkerProtocol;
import io.sluice.common.protocol.control.StreamWhere;
import io.sluice.master.process.WorkerHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which worker publishes which stream, cluster-wide, and which workers relay it.
 *
 * <p>A name is claimed by one worker at a time: a second publisher anywhere is refused. A worker
 * whose players want a stream nobody publishes yet is remembered as waiting and told
 * ({@code stream.published}) when a worker claims it. A worker's death drops its claims, and the
 * workers relaying them are told ({@code stream.unpublished}). Used on the master loop only.
 *
 * <p>The waiting list is bounded: an entry leaves when the name is claimed, when the worker's
 * last player waiting for it leaves ({@code stream.waitCancelled}) or when the worker dies, and
 * a worker may wait for at most {@code maxWaitsPerWorker} names at once; past that,
 * {@code stream.locate} of one more name is refused with {@code Limit} (the worker's relay backs
 * off and asks again later). Without the bound, plays of names nobody publishes would grow the
 * master's heap without end.
 */
public final class StreamDirectory {

    private static final Logger log = LoggerFactory.getLogger(StreamDirectory.class);
    /**
     * Names one worker may wait for at once by default. Stream names are at most 1024 characters
     * (the worker refuses longer ones), so a full list costs about 1 MiB of the master's heap per
     * worker (64 MiB by default); 512 different names waited for on one worker is far beyond
     * play-before-publish in normal use.
     */
    public static final int DEFAULT_MAX_WAITS_PER_WORKER = 512;

    private final int maxWaitsPerWorker;
    private final Map<StreamRef, Claim> claims = new HashMap<>();
    private final Map<StreamRef, Set<WorkerHandle>> waiting = new HashMap<>();
    /** The same entries by worker, for the bound and for a worker's death. */
    private final Map<WorkerHandle, Set<StreamRef>> waitsOf = new HashMap<>();
    private final Map<StreamRef, Set<WorkerHandle>> relaying = new HashMap<>();

    public StreamDirectory() {
        this(DEFAULT_MAX_WAITS_PER_WORKER);
    }

    /** @param maxWaitsPerWorker names one worker may wait for at once (at least 1) */
    public StreamDirectory(int maxWaitsPerWorker) {
        if (maxWaitsPerWorker < 1) {
            throw new IllegalArgumentException("maxWaitsPerWorker must be at least 1: " + maxWaitsPerWorker);
        }
        this.maxWaitsPerWorker = maxWaitsPerWorker;
    }

    /** A claimed stream: its owner and since when. */
    private record Claim(WorkerHandle owner, long sinceMillis) {
    }

    /** {@code stream.claim} from {@code worker}. */
    public ClaimReply claim(WorkerHandle worker, StreamRef ref) {
        Claim existing = claims.get(ref);
        if (existing != null && existing.owner != worker && existing.owner.alive()) {
            log.info("claim of {} by worker {} refused: worker {} publishes it", ref, worker.id(), existing.owner.id());
            return new ClaimReply(false, existing.owner.id());
        }
        claims.put(ref, new Claim(worker, System.currentTimeMillis()));
        log.debug("{} claimed by worker {}", ref, worker.id());
        Set<WorkerHandle> waiters = waiting.remove(ref);
        if (waiters != null) {
            StreamLocation location = location(ref, worker);
            for (WorkerHandle w : waiters) {
                forgetWait(w, ref);
                ChannelPeer peer = w.peer();
                if (w != worker && peer != null) {
                    peer.notify(WorkerProtocol.PUBLISHED, ref.toString(), location);
                }
            }
        }
        return new ClaimReply(true, 0);
    }

    /** {@code stream.release}: the publisher on {@code worker} left; true when it held the claim. */
    public boolean release(WorkerHandle worker, StreamRef ref) {
        Claim existing = claims.get(ref);
        if (existing != null && existing.owner == worker) {
            claims.remove(ref);
            log.debug("{} released by worker {}", ref, worker.id());
            return true;
        }
        return false;
    }

    /**
     * {@code stream.locate}: where {@code ref} is published; when nowhere (or only on the asking
     * worker), the asking worker waits and is told when it is claimed.
     *
     * @throws ChannelRequestException {@code Limit} when the worker waits for as many names as it may
     */
    public StreamLocation locate(WorkerHandle worker, StreamRef ref) {
        Claim existing = claims.get(ref);
        if (existing != null && existing.owner != worker && existing.owner.relayEndpoint() != null) {
            return location(ref, existing.owner);
        }
        Set<StreamRef> mine = waitsOf.getOrDefault(worker, Set.of());
        if (!mine.contains(ref) && mine.size() >= maxWaitsPerWorker) {
            log.debug("locate of {} by worker {} refused: it waits for {} names already", ref, worker.id(), mine.size());
            throw new ChannelRequestException(ErrorCode.LIMIT, "worker " + worker.id() + " waits for " + mine.size()
                    + " unpublished names already, the most one worker may; " + ref + " is not published");
        }
        waitsOf.computeIfAbsent(worker, w -> new HashSet<>()).add(ref);
        waiting.computeIfAbsent(ref, r -> new LinkedHashSet<>()).add(worker);
        return StreamLocation.notFound(ref);
    }

    private void forgetWait(WorkerHandle worker, StreamRef ref) {
        Set<StreamRef> mine = waitsOf.get(worker);
        if (mine != null && mine.remove(ref) && mine.isEmpty()) {
            waitsOf.remove(worker);
        }
    }

    /** Entries in the waiting list: (name, worker) pairs. */
    public int waitCount() {
        int n = 0;
        for (Set<StreamRef> refs : waitsOf.values()) {
            n += refs.size();
        }
        return n;
    }

    /** The worker of this host that publishes {@code ref}; null when none does. */
    public WorkerHandle owner(StreamRef ref) {
        Claim claim = claims.get(ref);
        return claim == null ? null : claim.owner;
    }

    /** The names this host's workers publish. */
    public Set<StreamRef> claimed() {
        return Set.copyOf(claims.keySet());
    }

    /** The names some worker of this host waits for. */
    public Set<StreamRef> waited() {
        return Set.copyOf(waiting.keySet());
    }

    /**
     * Another host published {@code ref}: the workers here that waited for it stop waiting and
     * are returned (the caller tells them where it is).
     */
    public List<WorkerHandle> takeWaiters(StreamRef ref) {
        Set<WorkerHandle> waiters = waiting.remove(ref);
        if (waiters == null) {
            return List.of();
        }
        waiters.forEach(w -> forgetWait(w, ref));
        return new ArrayList<>(waiters);
    }

    /** Whether {@code worker} told that a relay of {@code ref} into it runs. */
    public boolean relays(WorkerHandle worker, StreamRef ref) {
        return relaying.getOrDefault(ref, Set.of()).contains(worker);
    }

    /** The workers of this host that relay {@code ref}. */
    public Set<WorkerHandle> relaysOf(StreamRef ref) {
        return Set.copyOf(relaying.getOrDefault(ref, Set.of()));
    }

    /** Where {@code owner}, a worker of this host, serves relays of {@code ref}. */
    public static StreamLocation location(StreamRef ref, WorkerHandle owner) {
        return new StreamLocation(ref.app(), ref.name(), true, owner.id(), owner.relayEndpoint());
    }

    /** {@code stream.waitCancelled}: no player on {@code worker} waits for {@code ref} any more. */
    public void waitCancelled(WorkerHandle worker, StreamRef ref) {
        Set<WorkerHandle> set = waiting.get(ref);
        if (set != null && set.remove(worker) && set.isEmpty()) {
            waiting.remove(ref);
        }
        forgetWait(worker, ref);
    }

    public void relayOpened(WorkerHandle worker, StreamRef ref) {
        relaying.computeIfAbsent(ref, r -> new LinkedHashSet<>()).add(worker);
    }

    public void relayClosed(WorkerHandle worker, StreamRef ref) {
        Set<WorkerHandle> set = relaying.get(ref);
        if (set != null && set.remove(worker) && set.isEmpty()) {
            relaying.remove(ref);
        }
    }

    /** A worker exited: its claims go (returned), and the workers that relayed them are told. */
    public List<StreamRef> workerGone(WorkerHandle worker) {
        List<StreamRef> dropped = new ArrayList<>();
        claims.entrySet().removeIf(e -> {
            if (e.getValue().owner == worker) {
                dropped.add(e.getKey());
                return true;
            }
            return false;
        });
        for (StreamRef ref : dropped) {
            log.info("{} is no longer published: its worker {} exited", ref, worker.id());
            StreamGone gone = new StreamGone(ref.app(), ref.name(), worker.id(), worker.relayEndpoint());
            for (WorkerHandle w : relaying.getOrDefault(ref, Set.of())) {
                ChannelPeer peer = w.peer();
                if (peer != null && w != worker) {
                    peer.notify(WorkerProtocol.UNPUBLISHED, ref.toString(), gone);
                }
            }
        }
        for (StreamRef ref : waitsOf.getOrDefault(worker, Set.of())) {
            Set<WorkerHandle> set = waiting.get(ref);
            if (set != null && set.remove(worker) && set.isEmpty()) {
                waiting.remove(ref);
            }
        }
        waitsOf.remove(worker);
        relaying.values().forEach(set -> set.remove(worker));
        relaying.values().removeIf(Set::isEmpty);
        return dropped;
    }

    /** Where a stream is: its owner and relaying workers; null when it is not published. */
    public StreamWhere where(StreamRef ref) {
        Claim claim = claims.get(ref);
        if (claim == null) {
            return null;
        }
        List<Integer> relays = new ArrayList<>();
        for (WorkerHandle w : relaying.getOrDefault(ref, Set.of())) {
            relays.add(w.id());
        }
        return new StreamWhere(ref.app(), ref.name(), claim.owner.id(), claim.owner.pid(), relays, claim.sinceMillis);
    }

    /** Every published stream, sorted by name. */
    public List<StreamWhere> all() {
        Map<String, StreamWhere> sorted = new TreeMap<>();
        for (StreamRef ref : claims.keySet()) {
            sorted.put(ref.toString(), where(ref));
        }
        return new ArrayList<>(sorted.values());
    }
}
