package io.sluice.bench.hostile;

import io.netty.channel.Channel;
import io.sluice.bench.MediaSummary;
import io.sluice.worker.rtmp.client.ClientListener;
import io.sluice.worker.rtmp.client.RtmpClient;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Players that stop reading: each plays the honest stream with the project's RTMP client and,
 * once Play.Start arrived, never reads its socket again. Not replaced when the server drops
 * them: when (and whether) it does is part of the result.
 */
record StoppedReaders(int connections, int perSecond) implements Attack {

    static StoppedReaders of(Params p) {
        return new StoppedReaders(p.integer("connections", 100), p.integer("per-second", 50));
    }

    @Override
    public String kind() {
        return "stop-reading";
    }

    @Override
    public String description() {
        return String.format("%d players (%d new/s) of the honest stream that stop reading once it started",
                connections, perSecond);
    }

    @Override
    public Swarm swarm(Target target) {
        return new Swarm(target, connections, perSecond, connections, (swarm, n) -> {
            CompletableFuture<Channel> stopped = RtmpClient.connect(target.group(), target.address(), target.app(),
                            target.tcUrl(), new ClientListener() { }, Duration.ofSeconds(10), MediaSummary.SKIM)
                    .thenCompose(client -> client.createStream()
                            .thenCompose(id -> client.play(id, target.honestStream()))
                            .thenApply(started -> {
                                client.channel().config().setAutoRead(false);
                                return swarm.adopt(client.channel());
                            }));
            return stopped;
        });
    }
}
