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
 * included) has left under the total. The parts add up to what is left, so the workers together
 * stay under the total between two heartbeats, however the kernel spreads new connections.
 *
 * <p>Only workers that accept connections (running) get a part; a draining worker has closed its
 * listener and is told its own count. At a full server a worker without connections is told 0:
 * admit nothing. Without a total every worker is told {@link Heartbeat#NO_LIMIT}.
 */
final class ConnectionShare {

    private ConnectionShare() {
    }

    /** What {@code worker.ping} tells each of {@code workers} under {@code total} (0: no total). */
    static Map<WorkerHandle, Integer> of(int total, List<WorkerHandle> workers) {
        Map<WorkerHandle, Integer> out = new HashMap<>();
        if (total == 0) {
            workers.forEach(w -> out.put(w, Heartbeat.NO_LIMIT));
            return out;
        }
        int held = 0;
        for (WorkerHandle w : workers) {
            held += w.admitted();
        }
        List<WorkerHandle> accepting = workers.stream().filter(w -> w.state == WorkerHandle.State.RUNNING).toList();
        int[] own = accepting.stream().mapToInt(WorkerHandle::admitted).toArray();
        int[] shares = split(total, held, own);
        for (int i = 0; i < shares.length; i++) {
            out.put(accepting.get(i), shares[i]);
        }
        for (WorkerHandle w : workers) {
            out.putIfAbsent(w, w.admitted());
        }
        return out;
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
