package io.sluice.common.protocol;

import java.util.Map;

/**
 * {@code worker.ping} response data: how busy a worker is.
 *
 * @param connections open client connections (RTMP and HTTP) (players, publishers, relays, idle)
 * @param publishers  connections publishing
 * @param players     connections playing
 * @param streams     live streams known to the worker
 * @param bytesIn     bytes received since the worker started
 * @param bytesOut    bytes the sockets took (the kernel accepted) since the worker started
 * @param heapUsed    JVM heap in use, bytes
 * @param draining    the worker stopped accepting (reload) and serves its sessions to the end
 * @param refused     connections refused since the worker started because a connection limit
 *                    was reached (rtmp.max_connections, the server-wide share, per client IP)
 * @param admitted    client connections admitted and open: what the connection limits count (not
 *                    relays between workers, nor connections still in their handshake)
 * @param playersByProtocol players by what they speak (rtmp, http-flv, ws-flv); empty without players
 * @param denied      connects, publishes and plays refused by access control since the worker
 *                    started, by reason (unknown_app, rule, signature, hook, limit, bad_request);
 *                    reasons without refusals are left out
 * @param counts      the counters for the master's /metrics
 */
public record WorkerLoad(int connections, int publishers, int players, int streams, long bytesIn, long bytesOut,
                         long heapUsed, boolean draining, long refused, int admitted,
                         Map<String, Integer> playersByProtocol, Map<String, Long> denied, WorkerCounts counts) {

    public WorkerLoad {
        playersByProtocol = playersByProtocol == null ? Map.of() : Map.copyOf(playersByProtocol);
        denied = denied == null ? Map.of() : Map.copyOf(denied);
        counts = counts == null ? WorkerCounts.NONE : counts;
    }

    /** A load without access refusals nor counters (tests, and what older code built). */
    public WorkerLoad(int connections, int publishers, int players, int streams, long bytesIn, long bytesOut,
                      long heapUsed, boolean draining, long refused, int admitted,
                      Map<String, Integer> playersByProtocol) {
        this(connections, publishers, players, streams, bytesIn, bytesOut, heapUsed, draining, refused, admitted,
                playersByProtocol, null, null);
    }

    /** A load without counters. */
    public WorkerLoad(int connections, int publishers, int players, int streams, long bytesIn, long bytesOut,
                      long heapUsed, boolean draining, long refused, int admitted,
                      Map<String, Integer> playersByProtocol, Map<String, Long> denied) {
        this(connections, publishers, players, streams, bytesIn, bytesOut, heapUsed, draining, refused, admitted,
                playersByProtocol, denied, null);
    }
}
