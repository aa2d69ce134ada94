package io.sluice.common.protocol;

import java.util.List;
import java.util.Map;

/**
 * {@code worker.dump} response data: a worker's streams and client sessions, for the control CLI
 * and the API; {@code clients} is empty when the request asked for the streams only.
 */
public record WorkerDump(List<StreamInfo> streams, List<ClientInfo> clients) {

    /**
     * A stream as one worker sees it.
     *
     * @param publisher  where it comes from (an address, or "relay from worker N"); null while nobody publishes
     * @param players    players of it on this worker (relays to other workers not counted)
     * @param bytesIn    payload bytes received since the current publisher started
     * @param playersByProtocol the players by what they speak (rtmp, http-flv, ws-flv); empty without players
     * @param bytesOut   bytes the kernel accepted for this worker's current players of the stream
     * @param kbpsOut    the sum of those players' average bitrates since each started (bits per ms)
     */
    public record StreamInfo(String app, String name, String publisher, int players, long bytesIn,
                             long publishedAtMillis, String videoCodec, String audioCodec,
                             Map<String, Integer> playersByProtocol, long bytesOut, long kbpsOut) {
        public StreamInfo {
            playersByProtocol = playersByProtocol == null ? Map.of() : Map.copyOf(playersByProtocol);
        }
    }

    /**
     * A client session.
     *
     * @param protocol what the client speaks: rtmp, http (before its request is answered), http-flv, ws-flv
     * @param role     connecting, idle, publisher, player or relay
     * @param stream   the stream it publishes or plays, or null
     */
    public record ClientInfo(String id, String address, String protocol, String role, String stream, long bytesIn,
                             long bytesOut, long startedAtMillis) {
    }
}
