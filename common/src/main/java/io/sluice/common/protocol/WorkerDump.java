package io.sluice.common.protocol;

import java.util.List;

/** {@code worker.dump} response data: a worker's streams and client sessions, for the control CLI. */
public record WorkerDump(List<StreamInfo> streams, List<ClientInfo> clients) {

    /**
     * A stream as one worker sees it.
     *
     * @param publisher  where it comes from (an address, or "relay from worker N"); null while nobody publishes
     * @param players    players of it on this worker (relays to other workers not counted)
     * @param bytesIn    payload bytes received since the current publisher started
     */
    public record StreamInfo(String app, String name, String publisher, int players, long bytesIn,
                             long publishedAtMillis, String videoCodec, String audioCodec) {
    }

    /**
     * A client session.
     *
     * @param role   connecting, idle, publisher, player or relay
     * @param stream the stream it publishes or plays, or null
     */
    public record ClientInfo(String id, String address, String role, String stream, long bytesIn, long bytesOut,
                             long startedAtMillis) {
    }
}
