package io.sluice.worker.stats;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The worker's event counters for metrics: plain adders that the protocol code bumps where the
 * event happens (each place already logs it), read only by the heartbeat answer. One set per
 * worker process, hence static: they count the process, not an object in it. Cheap enough for
 * any event loop ({@link LongAdder}); nothing here is per packet except a dropped frame.
 */
public final class WorkerCounters {

    private static final LongAdder FRAMES_DROPPED = new LongAdder();
    private static final LongAdder SLOW_PLAYERS_DISCONNECTED = new LongAdder();
    private static final LongAdder HANDSHAKE_ERRORS = new LongAdder();
    private static final LongAdder PROTOCOL_ERRORS = new LongAdder();
    private static final Map<String, LongAdder> PUBLISH_REFUSED = new ConcurrentHashMap<>();
    private static final Map<String, LongAdder> PLAY_REFUSED = new ConcurrentHashMap<>();

    private WorkerCounters() {
    }

    /** A video frame not sent to a player over its write buffer high mark. */
    public static void frameDropped() {
        FRAMES_DROPPED.increment();
    }

    /** A player closed for staying over its high mark for players.slow_timeout. */
    public static void slowPlayerDisconnected() {
        SLOW_PLAYERS_DISCONNECTED.increment();
    }

    public static void handshakeError() {
        HANDSHAKE_ERRORS.increment();
    }

    public static void protocolError() {
        PROTOCOL_ERRORS.increment();
    }

    /**
     * A refused publish or play. {@code statusCode} is the RTMP status sent
     * ({@code NetStream.Publish.BadName}: publish, reason {@code BadName}) or, for HTTP players,
     * {@code NetStream.Play.<reason>} made up the same way.
     */
    public static void refused(String statusCode) {
        boolean publish = statusCode.startsWith("NetStream.Publish.");
        String reason = statusCode.substring(statusCode.lastIndexOf('.') + 1);
        (publish ? PUBLISH_REFUSED : PLAY_REFUSED).computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    public static long framesDropped() {
        return FRAMES_DROPPED.sum();
    }

    public static long slowPlayersDisconnected() {
        return SLOW_PLAYERS_DISCONNECTED.sum();
    }

    public static long handshakeErrors() {
        return HANDSHAKE_ERRORS.sum();
    }

    public static long protocolErrors() {
        return PROTOCOL_ERRORS.sum();
    }

    public static Map<String, Long> publishRefused() {
        return sums(PUBLISH_REFUSED);
    }

    public static Map<String, Long> playRefused() {
        return sums(PLAY_REFUSED);
    }

    private static Map<String, Long> sums(Map<String, LongAdder> adders) {
        Map<String, Long> out = new TreeMap<>();
        adders.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
