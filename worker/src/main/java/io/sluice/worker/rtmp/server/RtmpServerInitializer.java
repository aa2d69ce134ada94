package io.sluice.worker.rtmp.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.sluice.worker.access.AccessControl;
import io.sluice.worker.net.Connection;
import io.sluice.worker.net.ConnectionLimits;
import io.sluice.worker.net.TrafficCountingHandler;
import io.sluice.worker.net.WireSink;
import io.sluice.worker.rtmp.chunk.ChunkDecoder;
import io.sluice.worker.rtmp.chunk.IncompleteMessageBudget;
import io.sluice.worker.rtmp.chunk.ChunkEncoder;
import io.sluice.worker.rtmp.handshake.HandshakeHandler;
import io.sluice.worker.rtmp.message.MessageDecoder;
import io.sluice.worker.rtmp.message.MessageEncoder;
import io.sluice.worker.rtmp.message.ProtocolControlHandler;
import io.sluice.worker.rtmp.session.SessionHandler;
import io.sluice.worker.rtmp.session.SessionSettings;
import io.sluice.worker.stream.ClusterView;
import io.sluice.worker.stream.StreamRegistry;

import java.util.function.Supplier;

/**
 * Builds the pipeline of an accepted RTMP connection, from the socket up:
 * <pre>
 *   traffic → handshake (removes itself) → admission (clients only; removes itself)
 *           → chunk decoder / encoder → message decoder / encoder → protocol control → session
 * </pre>
 * and the connection's {@link WireSink}, where the fan-out's encoded media enters (below the chunk
 * encoder). Settings are read once per connection, so a reload applies to connections opened after it.
 * The connection limits and the incomplete-message budget are the worker's, shared by all
 * connections; relays from other workers (the relay endpoint) are not held to connection limits.
 */
public final class RtmpServerInitializer extends ChannelInitializer<Channel> {

    private final Supplier<SessionSettings> settings;
    private final StreamRegistry registry;
    private final ClusterView cluster;
    private final ConnectionLimits limits;
    private final IncompleteMessageBudget budget;
    private final boolean internal;
    private final AccessControl access;

    /**
     * @param limits   the worker's connection limits; null for the relay endpoint
     * @param budget   the worker's budget for partly received messages
     * @param internal a connection on the relay endpoint (another worker relaying a stream)
     */
    public RtmpServerInitializer(Supplier<SessionSettings> settings, StreamRegistry registry,
                                 ClusterView cluster, ConnectionLimits limits, IncompleteMessageBudget budget,
                                 boolean internal) {
        this(settings, registry, cluster, limits, budget, internal, AccessControl.open());
    }

    /** @param access who may connect, publish and play (not asked for the relay endpoint's connections) */
    public RtmpServerInitializer(Supplier<SessionSettings> settings, StreamRegistry registry,
                                 ClusterView cluster, ConnectionLimits limits, IncompleteMessageBudget budget,
                                 boolean internal, AccessControl access) {
        this.access = access;
        this.settings = settings;
        this.registry = registry;
        this.cluster = cluster;
        this.limits = limits;
        this.budget = budget;
        this.internal = internal;
    }

    @Override
    protected void initChannel(Channel ch) {
        SessionSettings s = settings.get();
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(s.writeBufferLow(), s.writeBufferHigh()));
        ChannelPipeline p = ch.pipeline();
        p.addLast("traffic", new TrafficCountingHandler());
        p.addLast("handshake", new HandshakeHandler(s.handshakeTimeout()));
        if (limits != null) {
            p.addLast("admission", new AdmissionHandler(limits));
        }
        p.addLast("chunkDecoder", new ChunkDecoder(s.maxMessageSize(), s.maxMessageSizeBeforePublish(),
                s.maxChunkStreams(), budget));
        ChunkEncoder chunkEncoder = new ChunkEncoder();
        p.addLast("chunkEncoder", chunkEncoder);
        p.addLast("messageDecoder", new MessageDecoder());
        p.addLast("messageEncoder", new MessageEncoder());
        p.addLast("protocolControl", new ProtocolControlHandler());
        p.addLast("session", new SessionHandler(s, registry, cluster, internal, access));
        // Media is already chunks: it enters below the chunk encoder, so it does not walk the
        // session, protocol-control and codec handlers that would only pass it on (those hops were
        // a quarter of the fan-out's user CPU at 1000 players). Below it there is only the traffic
        // counter, so the sink may write to the socket directly; a TLS handler there would stop it.
        Connection.of(ch).sink(WireSink.at(p.context(chunkEncoder)));
    }
}
