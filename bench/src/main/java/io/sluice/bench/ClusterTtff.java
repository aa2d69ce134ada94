package io.sluice.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.sluice.worker.media.MediaTag;
import io.sluice.worker.media.MediaTagReader;
import io.sluice.worker.rtmp.client.ClientListener;
import io.sluice.worker.rtmp.client.RtmpClient;
import io.sluice.worker.rtmp.message.MediaMessage;
import io.sluice.worker.rtmp.message.VideoData;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Time to first frame on the owner host against a host without the stream (issue 17, item 7):
 * in each round one player plays {@code --owner} (the host that publishes the stream), then one
 * plays {@code --other} (a host that must relay it from the owner), each timed from the TCP
 * connect to its first coded video frame, and closed; then a pause longer than the relay's
 * linger ({@code relays.idle_relay_linger}, 5 s by default), so that every play on the other host
 * opens a new relay between hosts (the cold case, the one that costs). Prints p50/p90/max of both
 * and of the per-round difference.
 *
 * <pre>
 * ClusterTtff --owner rtmp://10.0.0.1:1935/live/cam --other rtmp://10.0.0.2:1935/live/cam
 *             [--rounds 10] [--pause 6]
 * </pre>
 */
public final class ClusterTtff {

    private ClusterTtff() {
    }

    public static void main(String[] args) throws Exception {
        URI owner = null;
        URI other = null;
        int rounds = 10;
        double pause = 6;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--owner" -> owner = URI.create(args[i + 1]);
                case "--other" -> other = URI.create(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--pause" -> pause = Double.parseDouble(args[i + 1]);
                default -> {
                    System.err.println("ClusterTtff: unknown option " + args[i]);
                    System.exit(64);
                }
            }
        }
        if (owner == null || other == null) {
            System.err.println("usage: ClusterTtff --owner RTMP-URL --other RTMP-URL [--rounds N] [--pause S]");
            System.exit(64);
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        long[] onOwner = new long[rounds];
        long[] onOther = new long[rounds];
        long[] added = new long[rounds];
        try {
            for (int r = 0; r < rounds; r++) {
                onOwner[r] = firstFrameMillis(group, owner);
                onOther[r] = firstFrameMillis(group, other);
                added[r] = onOther[r] - onOwner[r];
                System.out.printf(Locale.ROOT, "round %d: owner host %d ms, other host %d ms%n", r + 1, onOwner[r],
                        onOther[r]);
                if (r + 1 < rounds) {
                    Thread.sleep((long) (pause * 1000));
                }
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        System.out.println("ttff owner host  " + summary(onOwner));
        System.out.println("ttff other host  " + summary(onOther));
        System.out.println("added (per round) " + summary(added));
    }

    private static String summary(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "p50 %d ms, p90 %d ms, max %d ms (%d plays)", Percentiles.of(sorted, 0.5),
                Percentiles.of(sorted, 0.9), sorted[sorted.length - 1], sorted.length);
    }

    /** Connects, plays, and returns the milliseconds to the first coded video frame (at most 20 s). */
    private static long firstFrameMillis(EventLoopGroup group, URI url) throws Exception {
        String path = url.getPath().substring(1);
        int slash = path.indexOf('/');
        String app = path.substring(0, slash);
        String name = path.substring(slash + 1);
        int port = url.getPort() < 0 ? 1935 : url.getPort();
        CompletableFuture<Long> first = new CompletableFuture<>();
        long start = System.nanoTime();
        ClientListener listener = new ClientListener() {
            @Override
            public void onMedia(MediaMessage media) {
                if (!first.isDone() && media instanceof VideoData) {
                    MediaTag tag = MediaTagReader.inspect(9, media.payload());
                    if (!tag.sequenceHeader()) {
                        first.complete(System.nanoTime());
                    }
                }
            }
        };
        RtmpClient client = RtmpClient.connect(group, new InetSocketAddress(url.getHost(), port), app,
                "rtmp://" + url.getHost() + ":" + port + "/" + app, listener, Duration.ofSeconds(10))
                .get(15, TimeUnit.SECONDS);
        try {
            client.play(client.createStream().get(10, TimeUnit.SECONDS), name);
            return TimeUnit.NANOSECONDS.toMillis(first.get(20, TimeUnit.SECONDS) - start);
        } finally {
            client.close();
        }
    }
}
