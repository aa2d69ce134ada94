package io.sluice.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.sluice.worker.media.FlvReader;
import io.sluice.worker.media.FlvTag;
import io.sluice.worker.rtmp.client.ClientListener;
import io.sluice.worker.rtmp.client.RtmpClient;
import io.sluice.worker.rtmp.message.RtmpMessage;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Publishes an FLV file in real time, as an encoder would: each tag leaves when its timestamp is
 * due (a timer set for the next tag, not a polling tick), with chunk size 4096 like OBS and ffmpeg.
 * The file loops with continuing timestamps; metadata and sequence headers are sent only on the
 * first pass. Records when each video message left ({@link SendClock}) and how late against its
 * schedule.
 */
final class Publisher implements AutoCloseable {

    private final List<FlvTag> tags;
    private final long loopMillis;
    private final SendClock clock;
    private final long limitMillis;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final Histogram lateness = new Histogram();
    private RtmpClient client;
    private int streamId;
    private volatile long startNanos;
    private int next;
    private long offset;
    private boolean firstPass = true;
    private volatile long tagsSent;
    private volatile long bytesSent;
    private volatile boolean closed;
    private boolean released;

    /**
     * @param limitMillis stop after the tags whose (looped) timestamp is below this; 0 = never
     */
    Publisher(Path flv, SendClock clock, long limitMillis) throws IOException {
        this.clock = clock;
        this.limitMillis = limitMillis;
        this.tags = readAll(flv);
        long last = tags.get(tags.size() - 1).unsignedTimestamp();
        this.loopMillis = last + frameInterval(tags);
    }

    static List<FlvTag> readAll(Path flv) throws IOException {
        List<FlvTag> tags = new ArrayList<>();
        try (FlvReader reader = new FlvReader(flv)) {
            FlvTag t;
            while ((t = reader.next()) != null) {
                tags.add(t);
            }
        }
        if (tags.isEmpty()) {
            throw new IOException(flv + " has no tags");
        }
        return tags;
    }

    /** The video frame interval (difference of the first two video timestamps), or 40 ms. */
    private static long frameInterval(List<FlvTag> tags) {
        long first = -1;
        for (FlvTag t : tags) {
            if (t.type() == FlvTag.VIDEO && t.payload().readableBytes() > 1 && t.payload().getByte(1) != 0) {
                if (first < 0) {
                    first = t.unsignedTimestamp();
                } else if (t.unsignedTimestamp() > first) {
                    return t.unsignedTimestamp() - first;
                }
            }
        }
        return 40;
    }

    /** Connects, publishes {@code name} and starts sending; completes when Publish.Start arrived. */
    void start(EventLoopGroup group, InetSocketAddress address, String app, String name) throws Exception {
        String tcUrl = "rtmp://" + address.getHostString() + ":" + address.getPort() + "/" + app;
        client = RtmpClient.connect(group, address, app, tcUrl, new ClientListener() {
            @Override
            public void onClose() {
                closed = true;
                finished.complete(null);
            }
        }, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
        streamId = client.createStream().get(10, TimeUnit.SECONDS);
        client.publish(streamId, name).get(10, TimeUnit.SECONDS);
        client.setChunkSize(4096);
        client.channel().eventLoop().execute(() -> {
            startNanos = System.nanoTime();
            tick();
        });
    }

    private void tick() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        long elapsedMicros = (now - startNanos) / 1000;
        boolean wrote = false;
        while (true) {
            FlvTag tag = tags.get(next);
            long ts = offset + tag.unsignedTimestamp();
            if (limitMillis > 0 && ts >= limitMillis) {
                client.flush();
                finished.complete(null);
                return;
            }
            if (ts * 1000 > elapsedMicros) {
                if (wrote) {
                    client.flush();
                }
                long delayNanos = ts * 1_000_000 - (System.nanoTime() - startNanos);
                client.channel().eventLoop().schedule(this::tick, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
                return;
            }
            send(tag, ts, now);
            lateness.record(elapsedMicros - ts * 1000);
            wrote = true;
            if (++next == tags.size()) {
                next = 0;
                offset += loopMillis;
                firstPass = false;
            }
        }
    }

    private void send(FlvTag tag, long ts, long now) {
        boolean config = tag.type() == FlvTag.SCRIPT
                || tag.payload().readableBytes() > 1 && tag.payload().getByte(1) == 0; // AVC/AAC sequence header
        if (!firstPass && config) {
            return;
        }
        ByteBuf body = tag.payload().retainedDuplicate();
        tagsSent++;
        bytesSent += body.readableBytes();
        clock.sent(tag.type(), ts, now);
        client.write(RtmpMessage.fromFlvTag(tag.type(), ts, streamId, body));
    }

    /** Completes when a limited stream was sent in full, or the connection closed. */
    CompletableFuture<Void> finished() {
        return finished;
    }

    boolean isClosed() {
        return closed;
    }

    long startNanos() {
        return startNanos;
    }

    long tagsSent() {
        return tagsSent;
    }

    long bytesSent() {
        return bytesSent;
    }

    /** How late tags left against their timestamps, microseconds (a copy, taken on the loop). */
    Histogram lateness() throws Exception {
        return client.channel().eventLoop().submit(lateness::copy).get(5, TimeUnit.SECONDS);
    }

    /** Tags of the file, to know what a full pass delivers. Do not release. */
    List<FlvTag> tags() {
        return tags;
    }

    @Override
    public void close() {
        if (released) {
            return;
        }
        released = true;
        closed = true;
        if (client != null) {
            client.close();
            client.channel().eventLoop().execute(() -> tags.forEach(FlvTag::release));
        } else {
            tags.forEach(FlvTag::release);
        }
    }
}
