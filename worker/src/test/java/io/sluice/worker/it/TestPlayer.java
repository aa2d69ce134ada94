package io.sluice.worker.it;

import io.netty.channel.EventLoopGroup;
import io.sluice.worker.media.MediaTag;
import io.sluice.worker.media.MediaTagReader;
import io.sluice.worker.rtmp.client.ClientListener;
import io.sluice.worker.rtmp.client.RtmpClient;
import io.sluice.worker.rtmp.message.MediaMessage;
import io.sluice.worker.rtmp.message.VideoData;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A player for integration tests, on the project's RTMP client: records what it receives (status
 * codes, video and audio counts, whether the first coded video frame was a key frame) and
 * whether its connection closed.
 */
public final class TestPlayer implements ClientListener, AutoCloseable {

    private final List<String> statuses = new CopyOnWriteArrayList<>();
    private final AtomicInteger video = new AtomicInteger();
    private final AtomicInteger audio = new AtomicInteger();
    private final AtomicLong lastVideoTimestamp = new AtomicLong(-1);
    private final AtomicInteger timestampsBack = new AtomicInteger();
    private volatile Boolean firstCodedWasKey;
    private volatile long lastVideoNanos;
    private volatile long maxVideoGapNanos;
    private volatile boolean closed;
    private RtmpClient client;

    /** Connects to {@code rtmp://127.0.0.1:port/app} and plays {@code name}. */
    public static TestPlayer play(EventLoopGroup group, int port, String app, String name) throws Exception {
        return play(group, "127.0.0.1", port, app, name);
    }

    /** Connects to {@code rtmp://host:port/app} and plays {@code name}. */
    public static TestPlayer play(EventLoopGroup group, String host, int port, String app, String name)
            throws Exception {
        TestPlayer p = new TestPlayer();
        p.client = RtmpClient.connect(group, new InetSocketAddress(host, port), app,
                "rtmp://" + host + ":" + port + "/" + app, p, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
        p.client.play(p.client.createStream().get(10, TimeUnit.SECONDS), name).get(10, TimeUnit.SECONDS);
        return p;
    }

    @Override
    public void onMedia(MediaMessage media) {
        if (media instanceof VideoData) {
            MediaTag tag = MediaTagReader.inspect(9, media.payload());
            if (!tag.sequenceHeader()) {
                if (firstCodedWasKey == null) {
                    firstCodedWasKey = tag.keyframe();
                }
                video.incrementAndGet();
                long now = System.nanoTime();
                if (lastVideoNanos != 0) {
                    maxVideoGapNanos = Math.max(maxVideoGapNanos, now - lastVideoNanos);
                }
                lastVideoNanos = now;
            }
            long previous = lastVideoTimestamp.getAndSet(media.timestamp());
            if (media.timestamp() < previous) {
                timestampsBack.incrementAndGet();
            }
        } else {
            audio.incrementAndGet();
        }
    }

    @Override
    public void onStatus(int streamId, String code, Map<?, ?> info) {
        statuses.add(code);
    }

    @Override
    public void onClose() {
        closed = true;
    }

    public int video() {
        return video.get();
    }

    public int audio() {
        return audio.get();
    }

    public List<String> statuses() {
        return statuses;
    }

    public Boolean firstCodedWasKey() {
        return firstCodedWasKey;
    }

    /** The longest time between two coded video frames so far, in milliseconds. */
    public long maxVideoGapMillis() {
        return TimeUnit.NANOSECONDS.toMillis(maxVideoGapNanos);
    }

    /** Forgets the longest gap so far (e.g. after the initial burst of the GOP cache). */
    public void resetMaxVideoGap() {
        maxVideoGapNanos = 0;
    }

    /** How often a video timestamp was lower than the one before. */
    public int timestampsWentBack() {
        return timestampsBack.get();
    }

    public boolean isClosed() {
        return closed;
    }

    public RtmpClient client() {
        return client;
    }

    /** The local port of this player's connection (to find which worker serves it). */
    public int localPort() {
        return ((InetSocketAddress) client.channel().localAddress()).getPort();
    }

    /** Waits up to {@code seconds} for {@code condition}; returns whether it held. */
    public static boolean await(BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
