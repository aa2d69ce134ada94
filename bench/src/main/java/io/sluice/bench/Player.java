package io.sluice.bench;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.sluice.worker.net.Connection;
import io.sluice.worker.rtmp.client.ClientListener;
import io.sluice.worker.rtmp.client.RtmpClient;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One measuring player, over RTMP or HTTP-FLV. It never decodes media: the RTMP client's chunk
 * decoder ({@link MediaSummary#SKIM}) or the {@link FlvSkimmer} of an HTTP-FLV player keeps header
 * fields and the first two payload bytes and skips the payload, and this listener looks only at
 * those two bytes to tell key frames and sequence headers apart. Everything runs on the
 * player's event loop; the results are read after the run.
 */
final class Player implements ClientListener, HttpFlvClient.Listener {

    static final long STALL_NANOS = 1_000_000_000L;

    private final SendClock clock;
    private final LoadGenerator.Measuring measuring;
    /**
     * Whether audio messages count in the main latency histogram too (video always does); the
     * all-media histogram counts them either way.
     */
    private final boolean audioLatency;
    final long startNanos;
    volatile Channel channel;
    private volatile HttpFlvClient http;
    /** When play was sent: messages the publisher sent earlier came from the GOP cache. */
    volatile long playNanos;
    volatile long connectedNanos;
    volatile long playStartedNanos;
    volatile long firstVideoNanos;
    volatile boolean firstWasKey;
    volatile boolean failed;
    volatile String failure;
    volatile boolean disconnected;
    volatile boolean closing;
    private volatile long lastVideoNanos;
    private ThreadStats stats;
    long videoFrames;
    long audioFrames;
    long videoHeaders;
    long audioHeaders;
    /** Media payload bytes of coded frames (sequence headers not included). */
    long videoBytes;
    long audioBytes;

    Player(SendClock clock, LoadGenerator.Measuring measuring, boolean audioLatency) {
        this.clock = clock;
        this.measuring = measuring;
        this.audioLatency = audioLatency;
        this.startNanos = System.nanoTime();
    }

    /** Connects, creates a stream and plays; completes (never exceptionally) when play started or failed. */
    CompletableFuture<Player> start(EventLoopGroup group, InetSocketAddress address, String app, String name,
                                    int recvBufferMax) {
        String tcUrl = "rtmp://" + address.getHostString() + ":" + address.getPort() + "/" + app;
        return RtmpClient.connect(group, address, app, tcUrl, this, Duration.ofSeconds(10), MediaSummary.SKIM)
                .thenCompose(client -> {
                    channel = client.channel();
                    connectedNanos = System.nanoTime();
                    if (recvBufferMax > 0) {
                        channel.config().setRecvByteBufAllocator(
                                new AdaptiveRecvByteBufAllocator(2048, 16384, recvBufferMax));
                    }
                    return client.createStream().thenCompose(id -> {
                        playNanos = System.nanoTime();
                        return client.play(id, name);
                    }).thenApply(info -> {
                        playStartedNanos = System.nanoTime();
                        return info;
                    });
                })
                .handle((ok, error) -> {
                    if (error != null) {
                        failed = true;
                        Throwable cause = error.getCause() != null ? error.getCause() : error;
                        failure = cause.getClass().getSimpleName() + ": " + cause.getMessage();
                        if (channel != null) {
                            closing = true;
                            channel.close();
                        }
                    }
                    return this;
                });
    }

    /**
     * Plays {@code url} (http://host:port/app/name.flv) over HTTP-FLV; completes (never
     * exceptionally) when the response headers arrived or the start failed.
     */
    CompletableFuture<Player> startHttpFlv(EventLoopGroup group, java.net.URI url, int recvBufferMax) {
        return HttpFlvClient.play(group, url, recvBufferMax, ch -> {
                    channel = ch;
                    connectedNanos = System.nanoTime();
                }, this)
                .thenApply(client -> {
                    http = client;
                    playStartedNanos = System.nanoTime();
                    return client;
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
    public void onRequestSent() {
        playNanos = System.nanoTime();
    }

    @Override
    public void onSkipped(Object summary) {
        if (summary instanceof MediaSummary m) {
            onMedia(m);
        }
    }

    @Override
    public void onMedia(MediaSummary m) {
        long now = System.nanoTime();
        ThreadStats s = stats;
        if (s == null) {
            s = stats = ThreadStats.current();
        }
        int head = m.head();
        if (m.typeId() == MediaSummary.AUDIO) {
            // AAC: byte 0 is SoundFormat 10 << 4 | ..., byte 1 is AACPacketType (0 = sequence header).
            if (head >= 0 && (head >>> 12) == 10 && (head & 0xff) == 0) {
                audioHeaders++;
                return;
            }
            audioFrames++;
            audioBytes += m.length();
            s.audioFrames++;
            s.mediaBytes += m.length();
            recordLatency(s, m.timestamp(), now, audioLatency);
            return;
        }
        if (m.typeId() != MediaSummary.VIDEO) {
            return;
        }
        if (isVideoConfig(head)) {
            videoHeaders++;
            return;
        }
        videoFrames++;
        videoBytes += m.length();
        s.videoFrames++;
        s.mediaBytes += m.length();
        if (firstVideoNanos == 0) {
            firstVideoNanos = now;
            firstWasKey = head >= 0 && ((head >>> 12) & 0x7) == 1;
        } else if (now - lastVideoNanos > STALL_NANOS) {
            s.stalls++;
        }
        lastVideoNanos = now;
        recordLatency(s, m.timestamp(), now, true);
    }

    /** Into the all-media histogram always, into the main one when {@code main}. */
    private void recordLatency(ThreadStats s, long timestamp, long now, boolean main) {
        if (measuring.on) {
            long sent = clock.sentAt(timestamp);
            if (sent == 0) {
                s.latencyMisses++;
            } else if (sent >= playNanos) {
                long micros = (now - sent) / 1000;
                s.latencyAll.record(micros);
                if (main) {
                    s.latency.record(micros);
                }
            }
        }
    }

    /**
     * A video message that configures the decoder rather than carrying a picture: AVC/HEVC
     * sequence header (legacy codec id 7 or 12, packet type 0), an Enhanced RTMP sequence start
     * (bit 7 set, packet type 0) or metadata (packet type 4), or a video info/command frame (type 5).
     */
    static boolean isVideoConfig(int head) {
        if (head < 0) {
            return true;
        }
        int b0 = head >>> 8;
        if ((b0 & 0x80) != 0) {
            int packetType = b0 & 0x0f;
            return packetType == 0 || packetType == 4 || ((b0 >>> 4) & 0x7) == 5;
        }
        int codec = b0 & 0x0f;
        if (((b0 >>> 4) & 0x7) == 5) {
            return true;
        }
        return (codec == 7 || codec == 12) && (head & 0xff) == 0;
    }

    /** A silent stretch still going on at the end of a window counts as a stall too. */
    boolean stalledAt(long now) {
        return firstVideoNanos != 0 && now - lastVideoNanos > STALL_NANOS;
    }

    long bytesIn() {
        HttpFlvClient h = http;
        if (h != null) {
            return h.bytesIn();
        }
        Channel c = channel;
        return c == null ? 0 : Connection.of(c).bytesIn();
    }

    boolean playing() {
        return firstVideoNanos != 0 && !disconnected;
    }

    @Override
    public void onClose() {
        if (!closing) {
            disconnected = true;
        }
    }

    void close() {
        closing = true;
        Channel c = channel;
        if (c != null) {
            c.close();
        }
    }
}
