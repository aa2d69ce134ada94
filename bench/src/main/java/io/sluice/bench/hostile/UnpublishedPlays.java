package io.sluice.bench.hostile;

import io.netty.channel.Channel;
import io.sluice.worker.rtmp.client.ClientListener;
import io.sluice.worker.rtmp.client.RtmpClient;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Plays of names nobody publishes: {@code connect}, {@code createStream}, {@code play nobody-N-R}
 * with the project's RTMP client. {@code unpublished-keep} keeps them waiting (both servers wait
 * for ever by default); {@code unpublished-churn} closes each {@code holdMillis} after its play
 * and opens the next.
 */
record UnpublishedPlays(boolean keep, int connections, int perSecond, int holdMillis, int total) implements Attack {

    static UnpublishedPlays of(boolean keep, Params p) {
        return keep
                ? new UnpublishedPlays(true, p.integer("connections", 1000), p.integer("per-second", 250), 0,
                        p.integer("total", 3000))
                : new UnpublishedPlays(false, p.integer("connections", 50), p.integer("per-second", 200),
                        p.integer("hold-ms", 200), p.integer("total", 3000));
    }

    @Override
    public String kind() {
        return keep ? "unpublished-keep" : "unpublished-churn";
    }

    @Override
    public String description() {
        return keep
                ? String.format("%d players (%d new/s, %d in all) each playing a different name nobody publishes, kept "
                        + "waiting", connections, perSecond, total)
                : String.format("%d players at a time (%d new/s, %d in all) each playing a different name nobody "
                        + "publishes, closed %d ms after play", connections, perSecond, total, holdMillis);
    }

    @Override
    public Swarm swarm(Target target) {
        return new Swarm(target, connections, perSecond, total, (swarm, n) -> {
            String name = "nobody-" + n + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
            CompletableFuture<Channel> played = RtmpClient.connect(target.group(), target.address(), target.app(),
                            target.tcUrl(), new ClientListener() { }, Duration.ofSeconds(10))
                    .thenCompose(client -> client.createStream().thenApply(id -> {
                        // Not waiting for Play.Start: servers differ in when (or whether) they send it.
                        client.play(id, name);
                        return swarm.adopt(client.channel());
                    }));
            if (!keep) {
                played.thenAccept(ch -> ch.eventLoop().schedule(() -> Swarm.closeByUs(ch), holdMillis,
                        TimeUnit.MILLISECONDS));
            }
            return played;
        });
    }
}
