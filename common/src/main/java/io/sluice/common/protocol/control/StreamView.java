package io.sluice.common.protocol.control;

import java.util.List;
import java.util.Map;

/**
 * One live stream as {@code bin/ctl streams} shows it ({@code stream.list} returns a list of
 * them), merged from the directory and every worker's dump.
 *
 * @param kbps the average bitrate since publishing started
 * @param playersByProtocol the players on all workers by what they speak (rtmp, http-flv, ws-flv)
 * @param playersByWorker   the players on each worker that has any, by worker id
 * @param bytesIn           payload bytes received from the current publisher (rates over any
 *                          interval come from two readings of it)
 * @param kbpsOut           what the current players receive together: the sum of each player's
 *                          average bitrate since it started playing (relays to other workers not
 *                          counted: they are not audience)
 * @param bytesOut          bytes the kernel accepted for the current players, all workers together;
 *                          it goes down when a player leaves, so it is not a counter
 * @param node              the host that publishes it ({@code cluster.node}); null for a single host.
 *                          When it is another host, this host relays it and {@code owner} is the
 *                          worker there (publisher, bytesIn and codecs are not known here)
 * @param relayNodes        the other hosts that relay it from this one (at most a lease TTL old)
 */
public record StreamView(String stream, int owner, List<Integer> relayedBy, String publisher, int players,
                         Map<String, Integer> playersByProtocol, Map<Integer, Integer> playersByWorker, long kbps,
                         long bytesIn, long kbpsOut, long bytesOut, String videoCodec, String audioCodec,
                         long uptimeMillis, String node, List<String> relayNodes) {
}
