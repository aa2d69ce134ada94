package io.sluice.common.protocol;

import java.util.Map;

/**
 * The plain counters and gauges a worker keeps for metrics, carried in every heartbeat answer
 * ({@link WorkerLoad#counts()}), so a scrape of the master's {@code /metrics} costs the workers
 * nothing. Counters run from the worker's start.
 *
 * @param framesDropped           video frames not sent to players over their write buffer high mark
 * @param slowPlayersDisconnected players closed for staying over the high mark (players.slow_timeout)
 * @param handshakeErrors         RTMP handshakes that failed or timed out
 * @param protocolErrors          connections closed for an RTMP protocol error
 * @param publishRefused          publishes refused, by reason (the status code's last part, e.g. BadName)
 * @param playRefused             plays refused, by reason
 * @param connections             open connections by protocol, then role (gauge)
 * @param relays                  relay connections this worker serves to other workers (gauge)
 * @param directMemory            direct memory the worker's allocator holds, bytes (gauge); -1 unknown
 * @param streams                 per stream ("app/name"), only with {@code api.stream_metrics}, at most
 *                                {@code api.stream_metrics_max} of them; empty otherwise
 */
public record WorkerCounts(long framesDropped, long slowPlayersDisconnected, long handshakeErrors, long protocolErrors,
                           Map<String, Long> publishRefused, Map<String, Long> playRefused,
                           Map<String, Map<String, Integer>> connections, int relays, long directMemory,
                           Map<String, StreamCounts> streams) {

    /** Before the first heartbeat, and from a worker that sends none. */
    public static final WorkerCounts NONE = new WorkerCounts(0, 0, 0, 0, Map.of(), Map.of(), Map.of(), 0, -1, Map.of());

    /**
     * One stream on one worker.
     *
     * @param bytesIn payload bytes received from its current source here (the publisher on the
     *                owner, the relay elsewhere)
     * @param players players of it on this worker
     */
    public record StreamCounts(long bytesIn, int players) {
    }

    public WorkerCounts {
        publishRefused = publishRefused == null ? Map.of() : Map.copyOf(publishRefused);
        playRefused = playRefused == null ? Map.of() : Map.copyOf(playRefused);
        connections = connections == null ? Map.of() : Map.copyOf(connections);
        streams = streams == null ? Map.of() : Map.copyOf(streams);
    }
}
