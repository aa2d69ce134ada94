package io.sluice.master.process;

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
 * listener and is told its own count. A worker whose share would be 0 is told 1, because 0 on the
 * wire means "no limit": at a full server each worker without a connection may take one, so the
 * total can be passed by at most one connection per such worker until the next heartbeat.
 */
final class ConnectionShare {

    private ConnectionShare() {
    }

    /** What {@code worker.ping} tells each of {@code workers} ({@code 0}: no limit) under {@code total}. */
    static Map<WorkerHandle, Integer> of(int total, List<WorkerHandle> workers) {
        Map<WorkerHandle, Integer> out = new HashMap<>();
        if (total == 0) {
            workers.forEach(w -> out.put(w, 0));
            return out;
        }
        int held = 0;
        for (WorkerHandle w : workers) {
            held += w.connections();
        }
        List<WorkerHandle> accepting = workers.stream().filter(w -> w.state == WorkerHandle.State.RUNNING).toList();
        int[] own = accepting.stream().mapToInt(WorkerHandle::connections).toArray();
        int[] shares = split(total, held, own);
        for (int i = 0; i < shares.length; i++) {
            out.put(accepting.get(i), shares[i]);
        }
        for (WorkerHandle w : workers) {
            out.putIfAbsent(w, Math.max(1, w.connections()));
        }
        return out;
    }

    /**
     * Each accepting worker's share: {@code own[i]} plus an equal part of {@code total - held}
     * (nothing when the server is at or over the total); the remainder of the division goes one
     * each to the first workers, so the parts add up to exactly what is left. At least 1.
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
            out[i] = (int) Math.max(1, Math.min(share, Integer.MAX_VALUE));
        }
        return out;
    }
}
