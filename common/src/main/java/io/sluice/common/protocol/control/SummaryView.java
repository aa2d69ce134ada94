package io.sluice.common.protocol.control;

/**
 * The whole server in one line ({@code GET /api/v1/summary}): totals over every worker of every
 * generation, as of their last heartbeats.
 *
 * @param workers     worker processes alive (all generations)
 * @param streams     streams published (the master's directory)
 * @param connections open client connections
 * @param bytesIn     bytes received since each worker started, summed over the live workers
 * @param bytesOut    bytes the kernel accepted for sending, likewise
 * @param refused     connections refused by a connection limit, likewise
 * @param http        the workers' HTTP listener ({@code host:port}, where HTTP-FLV and HLS players
 *                    go), or null when {@code http.enabled} is false
 */
public record SummaryView(String version, long pid, long uptimeMillis, int generation, int workers, int streams,
                          int connections, int publishers, int players, long bytesIn, long bytesOut, long refused,
                          String http) {
}
