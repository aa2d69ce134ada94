package io.sluice.worker.rtmp.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.sluice.worker.rtmp.TrafficCountingHandler;
import io.sluice.worker.rtmp.chunk.ChunkDecoder;
import io.sluice.worker.rtmp.chunk.ChunkEncoder;
import io.sluice.worker.rtmp.handshake.HandshakeHandler;
import io.sluice.worker.rtmp.message.MessageDecoder;
import io.sluice.worker.rtmp.message.MessageEncoder;
import io.sluice.worker.rtmp.message.ProtocolControlHandler;
import io.sluice.worker.stream.StreamDirectory;
import io.sluice.worker.stream.StreamRegistry;

import java.util.function.Supplier;

/**
 * Builds the pipeline of an accepted RTMP connection, from the socket up:
 * <pre>
 *   traffic → handshake (removes itself) → chunk decoder / encoder → message decoder / encoder
 *           → protocol control → session
 * </pre>
 * Settings are read once per connection, so a reload applies to connections opened after it.
 */
public final class RtmpServerInitializer extends ChannelInitializer<Channel> {

    private final Supplier<SessionSettings> settings;
    private final StreamRegistry registry;
    private final StreamDirectory directory;
    private final boolean internal;

    /**
     * @param internal a connection on the relay endpoint (another worker relaying a stream)
     */
    public RtmpServerInitializer(Supplier<SessionSettings> settings, StreamRegistry registry,
                                 StreamDirectory directory, boolean internal) {
        this.settings = settings;
        this.registry = registry;
        this.directory = directory;
        this.internal = internal;
    }

    @Override
    protected void initChannel(Channel ch) {
        SessionSettings s = settings.get();
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(s.writeBufferLow(), s.writeBufferHigh()));
        ChannelPipeline p = ch.pipeline();
        p.addLast("traffic", new TrafficCountingHandler());
        p.addLast("handshake", new HandshakeHandler(s.handshakeTimeout()));
        p.addLast("chunkDecoder", new ChunkDecoder(s.maxMessageSize(), s.maxChunkStreams()));
        p.addLast("chunkEncoder", new ChunkEncoder());
        p.addLast("messageDecoder", new MessageDecoder());
        p.addLast("messageEncoder", new MessageEncoder());
        p.addLast("protocolControl", new ProtocolControlHandler());
        p.addLast("session", new SessionHandler(s, registry, directory, internal));
    }
}
