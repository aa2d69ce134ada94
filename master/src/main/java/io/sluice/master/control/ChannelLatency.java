package io.sluice.master.control;

import io.sluice.common.channel.ChannelPeer;
import io.sluice.common.protocol.WorkerProtocol;
import io.sluice.common.protocol.control.WorkerLatency;
import io.sluice.master.process.WorkerHandle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code bin/ctl ping}: channel round trips master &rarr; worker &rarr; master, {@code count}
 * {@code worker.ping} requests one after the other per worker (each sent when the previous
 * answer arrived, from the channel thread), like {@code redis-cli --latency}. The heartbeat's
 * own figures, one ping a second, mostly measure a cold code path and the scheduler.
 */
final class ChannelLatency {

    private ChannelLatency() {
    }

    /** The figures for every worker that has a channel, measured one worker after the other. */
    static CompletableFuture<List<WorkerLatency>> measure(List<WorkerHandle> workers, int count) {
        CompletableFuture<List<WorkerLatency>> all = CompletableFuture.completedFuture(new ArrayList<>());
        for (WorkerHandle w : workers) {
            ChannelPeer peer = w.peer();
            if (peer == null) {
                continue;
            }
            all = all.thenCompose(list -> run(peer, count).thenApply(micros -> {
                list.add(summary(w, micros));
                return list;
            }));
        }
        return all;
    }

    private static CompletableFuture<double[]> run(ChannelPeer peer, int count) {
        double[] micros = new double[count];
        CompletableFuture<double[]> done = new CompletableFuture<>();
        next(peer, micros, 0, done);
        return done;
    }

    private static void next(ChannelPeer peer, double[] micros, int i, CompletableFuture<double[]> done) {
        if (i == micros.length) {
            done.complete(micros);
            return;
        }
        long t0 = System.nanoTime();
        peer.request(WorkerProtocol.PING, null).whenComplete((load, error) -> {
            if (error != null) {
                done.completeExceptionally(error);
                return;
            }
            micros[i] = (System.nanoTime() - t0) / 1000.0;
            next(peer, micros, i + 1, done);
        });
    }

    private static WorkerLatency summary(WorkerHandle w, double[] micros) {
        double[] sorted = micros.clone();
        Arrays.sort(sorted);
        return new WorkerLatency(w.id(), w.generation(), w.pid(), sorted.length, percentile(sorted, 50),
                percentile(sorted, 99), sorted[sorted.length - 1]);
    }

    private static double percentile(double[] sorted, double p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
