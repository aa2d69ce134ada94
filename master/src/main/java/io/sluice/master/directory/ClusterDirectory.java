package io.sluice.master.directory;

import io.sluice.common.protocol.ClaimReply;
import io.sluice.common.protocol.StreamLocation;
import io.sluice.common.protocol.StreamRef;
import io.sluice.master.process.WorkerHandle;

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
