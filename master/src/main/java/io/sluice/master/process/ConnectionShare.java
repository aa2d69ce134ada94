package io.sluice.master.process;

import io.sluice.common.protocol.Heartbeat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code rtmp.max_connections_total}: a limit for the whole server, which no single worker can
 * keep, since each sees only its own connections. The master sees every worker's count in the
 * heartbeat answers, so with every heartbeat it tells each worker how many it may hold: its own
 * count plus an equal part of what the whole server (every generation, draining workers
 * included) has left under the total.
 *
 * <p>The counts are as of each worker's last answer, and a worker goes on admitting under the
 * share it has until the next one reaches it: a count can be low by what the worker has taken
 * since. So a worker gets more than it may hold already only out of what no worker can still
 * take ({@link #bound}); a share that shrinks is sent at once, and the room it frees is given to
 * others once the worker has answered that it took the smaller share, a heartbeat later. Once
 * each has its first share, the workers together stay under the total at every moment, however
 * the kernel spreads new connections and whenever the heartbeats arrive.
 *
 * <p>Only workers that accept connections (running) get a part; a draining worker has closed its
 * listener and is told its own count. At a full server a worker without connections is told 0:
 * admit nothing. Without a total every worker is told {@link Heartbeat#NO_LIMIT}.
 */
final class ConnectionShare {

    private ConnectionShare() {
    }

    /**
     * What {@code worker.ping} tells each of {@code workers} under {@code total} (0: no total);
     * a worker with a ping in flight gets none now, and its value here is not sent.
     */
    static Map<WorkerHandle, Integer> of(int total, List<WorkerHandle> workers) {
        Map<WorkerHandle, Integer> out = new HashMap<>();
        if (total == 0) {
            workers.forEach(w -> out.put(w, Heartbeat.NO_LIMIT));
            return out;
        }
        int held = 0;
        long free = total;
        for (WorkerHandle w : workers) {
            held += w.admitted();
            free -= bound(w);
        }
        List<WorkerHandle> accepting = workers.stream().filter(w -> w.state == WorkerHandle.State.RUNNING).toList();
        int[] own = accepting.stream().mapToInt(WorkerHandle::admitted).toArray();
        int[] targets = split(total, held, own);
        for (int i = 0; i < targets.length; i++) {
            WorkerHandle w = accepting.get(i);
            int bound = bound(w);
            int share = targets[i];
            if (share > bound) {
                long more = w.pingInFlight ? 0 : Math.min(share - bound, Math.max(0, free));
                free -= more;
                share = (int) (bound + more);
            }
            out.put(w, share);
        }
        for (WorkerHandle w : workers) {
            out.putIfAbsent(w, w.admitted());
        }
        return out;
    }

    /**
     * The most connections {@code w} may hold before a new share reaches it: its count, or the
     * share it took with that count (it may have admitted up to it since), or the share of a
     * ping not yet answered (it may have taken it). A worker without a share yet (its first
     * heartbeat, or a total set by a reload) is taken at its count, as no share can hold it.
     */
    private static int bound(WorkerHandle w) {
        int bound = Math.max(w.admitted(), w.shareApplied);
        return w.pingInFlight ? Math.max(bound, w.shareSent) : bound;
    }

    /**
     * Each accepting worker's share: {@code own[i]} plus an equal part of {@code total - held}
     * (nothing when the server is at or over the total); the remainder of the division goes one
     * each to the first workers, so the parts add up to exactly what is left.
     */
    static int[] split(int total, int held, int[] own) {
        int n = own.length;
        int[] out = new int[n];
        if (n == 0) {
            return out;
        }
        long left = Math.max(0, (long) total - held);
        long each = left / n;
        long extra = left % n;
        for (int i = 0; i < n; i++) {
            long share = own[i] + each + (i < extra ? 1 : 0);
            out[i] = (int) Math.min(share, Integer.MAX_VALUE);
        }
        return out;
    }
}
