package io.sluice.worker.http;

import io.sluice.worker.hls.BlockingReload;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.sluice.worker.access.AccessControl;
import io.sluice.worker.net.Connection;
import io.sluice.worker.net.ConnectionLimits;
import io.sluice.worker.net.TrafficCountingHandler;
import io.sluice.worker.stream.ClusterView;
import io.sluice.worker.stream.StreamRegistry;

import java.util.function.Supplier;

/**
 * Builds the pipeline of an accepted HTTP connection, from the socket up:
 * <pre>
 *   traffic → HTTP codec (Netty's, with the request limits) → request (routing, CORS, players)
 * </pre>
 * A WebSocket upgrade then swaps the HTTP codec for Netty's WebSocket codec (see
 * {@link HttpRequestHandler}). Settings are read once per connection.
 *
 * <p>Memory held per connection before it is a player is bounded: the request line and headers
 * by the codec's limits, the request's arrival by {@code http.request_timeout}; request bodies are
 * dropped as they come (the codec hands them over in pieces of at most 8 KiB).
 */
public final class HttpServerInitializer extends ChannelInitializer<Channel> {

    /** Largest piece of a request body the codec hands over (bodies are dropped anyway). */
    private static final int MAX_CHUNK = 8192;

    private final Supplier<HttpServerSettings> settings;
    private final StreamRegistry registry;
    private final Supplier<ClusterView> cluster;
    private final ConnectionLimits limits;
    private final AccessControl access;
    private final java.nio.file.Path hlsRoot;
    private final BlockingReload blocking;

    /** @param limits the worker's connection limits, null for none (tests) */
    public HttpServerInitializer(Supplier<HttpServerSettings> settings, StreamRegistry registry,
                                 Supplier<ClusterView> cluster, ConnectionLimits limits) {
        this(settings, registry, cluster, limits, AccessControl.open());
    }

    /** @param access who may play (the worker's, shared with RTMP) */
    public HttpServerInitializer(Supplier<HttpServerSettings> settings, StreamRegistry registry,
                                 Supplier<ClusterView> cluster, ConnectionLimits limits, AccessControl access) {
        this(settings, registry, cluster, limits, access, null, null);
    }

    /**
     * @param hlsRoot  the directory HLS files are served from, null for no HLS
     * @param blocking where Low-Latency HLS blocking requests wait, null for none (answered at once)
     */
    public HttpServerInitializer(Supplier<HttpServerSettings> settings, StreamRegistry registry,
                                 Supplier<ClusterView> cluster, ConnectionLimits limits, AccessControl access,
                                 java.nio.file.Path hlsRoot, BlockingReload blocking) {
        this.blocking = blocking;
        this.access = access;
        this.hlsRoot = hlsRoot;
        this.settings = settings;
        this.registry = registry;
        this.cluster = cluster;
        this.limits = limits;
    }

    @Override
    protected void initChannel(Channel ch) {
        HttpServerSettings s = settings.get();
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(s.writeBufferLow(), s.writeBufferHigh()));
        Connection.of(ch).protocol("http");
        ChannelPipeline p = ch.pipeline();
        p.addLast("traffic", new TrafficCountingHandler());
        p.addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(s.maxRequestLine())
                .setMaxHeaderSize(s.maxHeaderSize())
                .setMaxChunkSize(MAX_CHUNK)));
        p.addLast("request", new HttpRequestHandler(s, registry, cluster.get(), limits, access, hlsRoot, blocking));
    }
}
