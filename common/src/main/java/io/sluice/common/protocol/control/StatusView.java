package io.sluice.common.protocol.control;

import java.util.List;
import java.util.Map;

/**
 * {@code master.status} response data, what {@code bin/ctl status} and {@code workers} show: the
 * master and its workers.
 *
 * @param bind     the RTMP listener's address ({@code rtmp.bind}), with {@code port}
 * @param http     the HTTP listener's {@code host:port}, or null when {@code http.enabled} is false
 * @param givenUp  worker slots no longer respawned, with the reason
 */
public record StatusView(long pid, long uptimeMillis, int generation, String configFile, String bind, int port,
                         String http, List<WorkerView> workers, Map<Integer, String> givenUp) {

    /**
     * One worker process.
     *
     * @param rttP50Micros heartbeat round trip master → worker → master, median of the recent ones
     * @param rttP99Micros ... and 99th percentile
     * @param refused      connections refused by a connection limit since the worker started
     * @param playersByProtocol players by what they speak (rtmp, http-flv, ws-flv)
     * @param denied       connects, publishes and plays refused by access control, by reason
     */
    public record WorkerView(int id, long pid, int generation, String state, long uptimeMillis, int connections,
                             int publishers, int players, Map<String, Integer> playersByProtocol, int streams, long bytesIn, long bytesOut, long heapUsed,
                             long rttP50Micros, long rttP99Micros, long refused, Map<String, Long> denied) {
        public WorkerView {
            denied = denied == null ? Map.of() : Map.copyOf(denied);
        }
    }
}
