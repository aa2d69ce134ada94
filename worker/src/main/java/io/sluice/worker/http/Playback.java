package io.sluice.worker.http;

import io.netty.channel.ChannelHandlerContext;
import io.sluice.worker.http.flv.FlvPlayer;
import io.sluice.worker.http.flv.FlvTags;
import io.sluice.worker.net.Connection;
import io.sluice.worker.net.WireSink;
import io.sluice.worker.stream.ClusterView;
import io.sluice.worker.stream.LiveStream;
import io.sluice.worker.stream.StreamKey;
import io.sluice.worker.stream.StreamRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Starts an FLV player the way RTMP's play does, for HTTP-FLV and WebSocket-FLV alike: the stream
 * from the registry, a subscriber on it, a publisher from the cluster when this worker has none
 * (the same locate and relay as RTMP players: one relay per stream and worker for all of them),
 * and {@code players.play_wait_timeout} for a name nobody publishes.
 */
final class Playback {

    private static final Logger log = LoggerFactory.getLogger(Playback.class);

    private Playback() {
    }

    /**
     * @param protocol   what {@code bin/ctl clients} shows: http-flv or ws-flv
     * @param onLive     runs once when the stream is first live, before any FLV byte
     * @param onNotFound runs when {@code players.play_wait_timeout} passed before that (the
     *                   player is closed by then); never when the wait is unlimited
     */
    static FlvPlayer start(ChannelHandlerContext ctx, StreamKey key, WireSink sink, FlvTags tags, String protocol,
                           HttpServerSettings settings, StreamRegistry registry, ClusterView cluster,
                           Runnable onLive, Runnable onNotFound) {
        Connection connection = Connection.of(ctx.channel());
        connection.sink(sink);
        connection.protocol(protocol);
        connection.role(Connection.Role.PLAYER, key.toString());
        LiveStream stream = registry.acquire(key);
        FlvPlayer player = new FlvPlayer(ctx, sink, tags, settings.slowTimeout().toNanos(), registry, stream, onLive);
        player.start();
        if (!stream.hasPublisher()) {
            cluster.needPublisher(stream);
        }
        log.debug("play started [conn:{}, remote:{}, stream:{}, protocol:{}]", connection.id(), connection.remote(),
                key, protocol);
        long waitMs = settings.playWaitTimeout().toMillis();
        if (waitMs > 0) {
            ctx.executor().schedule(() -> {
                if (!player.begun() && ctx.channel().isActive()) {
                    player.close();
                    log.debug("play gave up waiting for {} after {} ms [conn:{}]", key, waitMs, connection.id());
                    onNotFound.run();
                }
            }, waitMs, TimeUnit.MILLISECONDS);
        }
        return player;
    }
}
