package io.sluice.bench.hostile;

import java.util.List;

/**
 * One kind of hostile client, with its parameters. An attack is a description; {@link #swarm}
 * builds the connections that carry it out against a target. Counts default to what this
 * 2-core machine can generate while the server still has a core; each is a parameter
 * ({@code --param kind.key=value}).
 */
public sealed interface Attack permits GarbageHandshake, GarbageAfterHandshake, OversizedTrickle, DeepAmf,
        ChunkStreams, OneByteChunks, IdleSockets, UnpublishedPlays, AckFlood, StoppedReaders {

    /** Every kind, in the order a full run goes through them. */
    List<String> KINDS = List.of("garbage-handshake", "garbage-after-handshake", "oversized-trickle", "deep-amf",
            "chunk-streams", "one-byte-chunks", "idle-tcp", "idle-handshake", "unpublished-keep", "unpublished-churn",
            "ack-flood", "stop-reading");

    /** The attack's name on the command line and in the results. */
    String kind();

    /** One line: what the attackers do, with the parameter values. */
    String description();

    /** The connections that carry the attack out; started and stopped by the caller. */
    Swarm swarm(Target target);

    /** The attack of {@code kind} with {@code params} over its defaults. */
    static Attack of(String kind, Params params) {
        Attack a = switch (kind) {
            case "garbage-handshake" -> GarbageHandshake.of(params);
            case "garbage-after-handshake" -> GarbageAfterHandshake.of(params);
            case "oversized-trickle" -> OversizedTrickle.of(params);
            case "deep-amf" -> DeepAmf.of(params);
            case "chunk-streams" -> ChunkStreams.of(params);
            case "one-byte-chunks" -> OneByteChunks.of(params);
            case "idle-tcp" -> IdleSockets.of(false, params);
            case "idle-handshake" -> IdleSockets.of(true, params);
            case "unpublished-keep" -> UnpublishedPlays.of(true, params);
            case "unpublished-churn" -> UnpublishedPlays.of(false, params);
            case "ack-flood" -> AckFlood.of(params);
            case "stop-reading" -> StoppedReaders.of(params);
            default -> throw new IllegalArgumentException("unknown attack '" + kind + "' (known: "
                    + String.join(", ", KINDS) + ")");
        };
        params.checkAllRead();
        return a;
    }
}
