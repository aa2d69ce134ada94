package io.sluice.bench;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.sluice.worker.rtmp.client.ClientListener;
import io.sluice.worker.rtmp.client.RtmpClient;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A player watching the honest stream while attackers work on the server: it records the gaps
 * between the media messages it receives (audio and video alike, see {@link GapTracker}) and
 * whether the server dropped it. Media is skimmed (counted, not copied) like the load
 * generator's players. Window start and end run as tasks on the player's event loop.
 */
final class HonestPlayer implements ClientListener {

    private final GapTracker gaps = new GapTracker();
    final long startNanos = System.nanoTime();
    volatile Channel channel;
    volatile long firstMediaNanos;
    volatile boolean failed;
    volatile String failure;
    volatile boolean disconnected;
    private volatile boolean closing;

    /** Connects, creates a stream and plays; completes (never exceptionally) when play started or failed. */
    CompletableFuture<HonestPlayer> start(EventLoopGroup group, InetSocketAddress address, String app, String name) {
        String tcUrl = "rtmp://" + address.getHostString() + ":" + address.getPort() + "/" + app;
        return RtmpClient.connect(group, address, app, tcUrl, this, Duration.ofSeconds(10), MediaSummary.SKIM)
                .thenCompose(client -> {
                    channel = client.channel();
                    return client.createStream().thenCompose(id -> client.play(id, name));
                })
                .handle((ok, error) -> {
                    if (error != null) {
                        failed = true;
                        Throwable cause = error.getCause() != null ? error.getCause() : error;
                        failure = cause.getClass().getSimpleName() + ": " + cause.getMessage();
                        close();
                    }
                    return this;
                });
    }

    @Override
    public void onSkipped(Object summary) {
        if (!(summary instanceof MediaSummary)) {
            return;
        }
        long now = System.nanoTime();
        if (firstMediaNanos == 0) {
            firstMediaNanos = now;
        }
        gaps.arrived(now);
    }

    @Override
    public void onClose() {
        if (!closing) {
            disconnected = true;
        }
    }

    /** Starts a window at {@code now} (a nanoTime taken by the caller, the same for every player). */
    CompletableFuture<Void> startWindow(long now) {
        Channel c = channel;
        if (c == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        c.eventLoop().execute(() -> {
            gaps.startWindow(now);
            done.complete(null);
        });
        return done;
    }

    /** Ends the window at {@code now}; null for a player that never connected. */
    CompletableFuture<GapTracker.Window> endWindow(long now) {
        Channel c = channel;
        if (c == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<GapTracker.Window> done = new CompletableFuture<>();
        c.eventLoop().execute(() -> done.complete(gaps.endWindow(now)));
        return done;
    }

    boolean playing() {
        return firstMediaNanos != 0 && !disconnected && !failed;
    }

    void close() {
        closing = true;
        Channel c = channel;
        if (c != null) {
            c.close();
        }
    }
}
