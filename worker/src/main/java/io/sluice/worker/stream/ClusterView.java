package io.sluice.worker.stream;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The worker's view of the cluster, as its sessions need it: a cluster-wide claim before
 * publishing (a name is live on one worker at most), and a publisher for a stream that has players
 * here but none publishing here (a relay from the worker that has it). The master keeps the
 * stream directory itself ({@code master.directory.StreamDirectory}); a managed worker sees it
 * through the channel ({@code channel.MasterClusterView}).
 *
 * <p>Standalone, a worker is the whole cluster: {@link #STANDALONE} grants every claim (the local
 * registry already refuses a second publisher) and has nowhere else to look.
 */
public interface ClusterView {

    /** Outcome of a claim. */
    enum Claim { GRANTED, TAKEN }

    /**
     * Claims {@code key} for a publisher on this worker. Completes with {@link Claim#TAKEN} when
     * another worker publishes it, exceptionally when the claim could not be decided.
     */
    CompletionStage<Claim> claim(StreamKey key);

    /** Gives up a granted claim: the publisher left. */
    void release(StreamKey key);

    /**
     * {@code stream} has players here but no publisher: feed it from wherever it is (or will
     * be) published.
     */
    void needPublisher(LiveStream stream);

    /** A single worker without a master. */
    ClusterView STANDALONE = new ClusterView() {
        @Override
        public CompletionStage<Claim> claim(StreamKey key) {
            return CompletableFuture.completedFuture(Claim.GRANTED);
        }

        @Override
        public void release(StreamKey key) {
        }

        @Override
        public void needPublisher(LiveStream stream) {
        }
    };
}
