package io.sluice.master.directory;

import io.sluice.common.protocol.ClaimReply;
import io.sluice.common.protocol.StreamLocation;
import io.sluice.common.protocol.StreamRef;
import io.sluice.common.protocol.control.StreamWhere;
import io.sluice.master.process.WorkerHandle;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The directory as the worker channel uses it: claims and locates may need another host's
 * answer, so they complete later, on the master loop; nothing here blocks it. A single host
 * ({@link #local}) answers from its {@link StreamDirectory} at once; with {@code cluster.redis}
 * the Redis-backed directory ({@code directory.redis.RedisDirectory}) asks Redis after the local
 * directory. Called on the master loop only.
 */
public interface ClusterDirectory extends AutoCloseable {

    /** {@code stream.claim}: granted when nobody else, on any host, publishes {@code ref}. */
    CompletableFuture<ClaimReply> claim(WorkerHandle worker, StreamRef ref);

    /** {@code stream.release}: the publisher on {@code worker} left. */
    void release(WorkerHandle worker, StreamRef ref);

    /** {@code stream.locate}: where {@code ref} is; when nowhere yet, the worker waits (see StreamDirectory). */
    CompletableFuture<StreamLocation> locate(WorkerHandle worker, StreamRef ref);

    /** A worker exited: its claims go, here and cluster-wide. */
    void workerGone(WorkerHandle worker);

    /** The host's own directory (waits, relays, the claims of this host's workers). */
    StreamDirectory local();

    /** {@code stream.relayOpened}: a relay of {@code ref} into {@code worker} runs. */
    default void relayOpened(WorkerHandle worker, StreamRef ref) {
        local().relayOpened(worker, ref);
    }

    /** {@code stream.relayClosed}: the relay of {@code ref} into {@code worker} ended. */
    default void relayClosed(WorkerHandle worker, StreamRef ref) {
        local().relayClosed(worker, ref);
    }

    /**
     * Where {@code ref} is, on this host or another: completes with null when it is published
     * nowhere (or, with Redis unreachable, nowhere on this host). For bin/ctl and the API.
     */
    default CompletableFuture<StreamWhere> where(StreamRef ref) {
        return CompletableFuture.completedFuture(local().where(ref));
    }

    /**
     * The streams this host serves, sorted by name: those it publishes and, in a cluster, those it
     * relays from other hosts. Without a round trip to Redis (the hosts relaying this host's
     * streams are as of the last renewal).
     */
    default List<StreamWhere> all() {
        return local().all();
    }

    /** The cluster's state for the metrics page; null for a single host. */
    default Status status() {
        return null;
    }

    /**
     * The cluster as this host sees it.
     *
     * @param redisConnected whether both Redis connections are up
     * @param relaysIn       streams relayed into this host, by the host they come from
     * @param relaysOut      streams of this host relayed by other hosts, by that host (as of the
     *                       last lease renewal, at most {@code cluster.lease_ttl / 3} old)
     * @param leasesLost     names this host publishes whose lease another host took
     */
    record Status(String node, boolean redisConnected, Map<String, Integer> relaysIn, Map<String, Integer> relaysOut,
                  int leasesLost) {
        public Status {
            relaysIn = Map.copyOf(relaysIn);
            relaysOut = Map.copyOf(relaysOut);
        }
    }

    /** This host's node name in the cluster; null for a single host. */
    default String node() {
        return null;
    }

    @Override
    default void close() {
    }

    /** A single host: the local directory is the whole directory. */
    static ClusterDirectory local(StreamDirectory directory) {
        return new ClusterDirectory() {
            @Override
            public CompletableFuture<ClaimReply> claim(WorkerHandle worker, StreamRef ref) {
                return CompletableFuture.completedFuture(directory.claim(worker, ref));
            }

            @Override
            public void release(WorkerHandle worker, StreamRef ref) {
                directory.release(worker, ref);
            }

            @Override
            public CompletableFuture<StreamLocation> locate(WorkerHandle worker, StreamRef ref) {
                try {
                    return CompletableFuture.completedFuture(directory.locate(worker, ref));
                } catch (RuntimeException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }

            @Override
            public void workerGone(WorkerHandle worker) {
                directory.workerGone(worker);
            }

            @Override
            public StreamDirectory local() {
                return directory;
            }
        };
    }
}
