package io.sluice.worker.it;

import io.netty.channel.EventLoopGroup;
import io.sluice.worker.media.FlvReader;
import io.sluice.worker.media.FlvTag;
import io.sluice.worker.rtmp.client.ClientListener;
import io.sluice.worker.rtmp.client.RtmpClient;
import io.sluice.worker.rtmp.message.RtmpMessage;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A publisher for integration tests on the project's RTMP client: sends an FLV file in real time,
 * looping it with continuing timestamps, until closed. Knowing its own connection lets a test see
 * which worker it landed on.
 */
public final class TestPublisher implements AutoCloseable {

    private final RtmpClient client;
    private final List<FlvTag> tags;
    private final int streamId;
    private final long loopMillis;
    private ScheduledFuture<?> ticker;
    private long startNanos;
    private int next;
    private long offset;
    private boolean closed;

    private TestPublisher(RtmpClient client, int streamId, List<FlvTag> tags) {
        this.client = client;
        this.streamId = streamId;
        this.tags = tags;
        this.loopMillis = tags.get(tags.size() - 1).unsignedTimestamp() + 40;
    }

    /**
     * Connects and publishes; completes with the publisher once Publish.Start arrived. Fails (with
     * an RtmpStatusException cause) when the server refuses the name.
     */
    public static TestPublisher publish(EventLoopGroup group, int port, String app, String name, Path flv)
            throws Exception {
        return publish(connect(group, port, app), name, flv);
    }

    /**
     * Connects to {@code rtmp://127.0.0.1:port/app} without publishing yet, so a test can first
     * see which worker the connection landed on; then {@link #publish(RtmpClient, String, Path)}.
     */
    public static RtmpClient connect(EventLoopGroup group, int port, String app) throws Exception {
        return connect(group, "127.0.0.1", port, app);
    }

    /** As {@link #connect(EventLoopGroup, int, String)}, to {@code rtmp://host:port/app}. */
    public static RtmpClient connect(EventLoopGroup group, String host, int port, String app) throws Exception {
        return RtmpClient.connect(group, new InetSocketAddress(host, port), app,
                "rtmp://" + host + ":" + port + "/" + app, new ClientListener() { }, Duration.ofSeconds(10))
                .get(15, TimeUnit.SECONDS);
    }

    /**
     * Publishes {@code name} on a connection from {@link #connect}; the publisher owns the
     * connection from then on, and closes it on failure too.
     */
    public static TestPublisher publish(RtmpClient client, String name, Path flv) throws Exception {
        List<FlvTag> tags = new ArrayList<>();
        try (FlvReader reader = new FlvReader(flv)) {
            FlvTag t;
            while ((t = reader.next()) != null) {
                tags.add(t);
            }
        } catch (Exception e) {
            client.close();
            tags.forEach(FlvTag::release);
            throw e;
        }
        try {
            int sid = client.createStream().get(10, TimeUnit.SECONDS);
            client.publish(sid, name).get(10, TimeUnit.SECONDS);
            client.setChunkSize(60000);
            TestPublisher p = new TestPublisher(client, sid, tags);
            p.start();
            return p;
        } catch (Exception e) {
            client.close();
            tags.forEach(FlvTag::release);
            throw e;
        }
    }

    private void start() {
        startNanos = System.nanoTime();
        ticker = client.channel().eventLoop().scheduleAtFixedRate(this::tick, 0, 10, TimeUnit.MILLISECONDS);
    }

    /** Sends every tag that is due by now (real time). */
    private void tick() {
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        boolean wrote = false;
        while (offset + tags.get(next).unsignedTimestamp() <= elapsed) {
            FlvTag tag = tags.get(next);
            long ts = offset + tag.unsignedTimestamp();
            client.write(RtmpMessage.fromFlvTag(tag.type(), ts, streamId, tag.payload().retainedDuplicate()));
            wrote = true;
            if (++next == tags.size()) {
                next = 0;
                offset += loopMillis;
            }
        }
        if (wrote) {
            client.flush();
        }
    }

    public RtmpClient client() {
        return client;
    }

    /** The local port of the publishing connection (to find which worker serves it). */
    public int localPort() {
        return ((InetSocketAddress) client.channel().localAddress()).getPort();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ticker != null) {
            ticker.cancel(false);
        }
        client.close();
        client.channel().eventLoop().execute(() -> tags.forEach(FlvTag::release));
    }
}
