package io.sluice.master.directory;

import io.sluice.common.channel.ChannelPeer;
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
 */
public final class StreamDirectory {

    private static final Logger log = LoggerFactory.getLogger(StreamDirectory.class);

    private final Map<StreamRef, Claim> claims = new HashMap<>();
    private final Map<StreamRef, Set<WorkerHandle>> waiting = new HashMap<>();
    private final Map<StreamRef, Set<WorkerHandle>> relaying = new HashMap<>();

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
                ChannelPeer peer = w.peer();
                if (w != worker && peer != null) {
                    peer.notify(WorkerProtocol.PUBLISHED, ref.toString(), location);
                }
            }
        }
        return new ClaimReply(true, 0);
    }

    /** {@code stream.release}: the publisher on {@code worker} left. */
    public void release(WorkerHandle worker, StreamRef ref) {
        Claim existing = claims.get(ref);
        if (existing != null && existing.owner == worker) {
            claims.remove(ref);
            log.debug("{} released by worker {}", ref, worker.id());
        }
    }

    /**
     * {@code stream.locate}: where {@code ref} is published; when nowhere (or only on the asking
     * worker), the asking worker waits and is told when it is claimed.
     */
    public StreamLocation locate(WorkerHandle worker, StreamRef ref) {
        Claim existing = claims.get(ref);
        if (existing != null && existing.owner != worker && existing.owner.relayEndpoint() != null) {
            return location(ref, existing.owner);
        }
        waiting.computeIfAbsent(ref, r -> new LinkedHashSet<>()).add(worker);
        return StreamLocation.notFound(ref);
    }

    private static StreamLocation location(StreamRef ref, WorkerHandle owner) {
        return new StreamLocation(ref.app(), ref.name(), true, owner.id(), owner.relayEndpoint());
    }

    /** {@code stream.waitCancelled}: no player on {@code worker} waits for {@code ref} any more. */
    public void waitCancelled(WorkerHandle worker, StreamRef ref) {
        Set<WorkerHandle> set = waiting.get(ref);
        if (set != null && set.remove(worker) && set.isEmpty()) {
            waiting.remove(ref);
        }
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

    /** A worker exited: its claims go, and the workers that relayed them are told. */
    public void workerGone(WorkerHandle worker) {
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
        waiting.values().forEach(set -> set.remove(worker));
        waiting.values().removeIf(Set::isEmpty);
        relaying.values().forEach(set -> set.remove(worker));
        relaying.values().removeIf(Set::isEmpty);
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
