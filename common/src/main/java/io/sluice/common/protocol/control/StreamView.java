package io.sluice.common.protocol.control;

import java.util.List;

/**
 * One live stream as {@code bin/ctl streams} shows it ({@code stream.list} returns a list of
 * them), merged from the directory and every worker's dump.
 *
 * @param kbps the average bitrate since publishing started
 */
public record StreamView(String stream, int owner, List<Integer> relayedBy, String publisher, int players,
                         long kbps, String videoCodec, String audioCodec, long uptimeMillis) {
}
