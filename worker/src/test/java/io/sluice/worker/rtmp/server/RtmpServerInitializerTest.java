package io.sluice.worker.rtmp.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.sluice.worker.net.Connection;
import io.sluice.worker.net.ConnectionLimits;
import io.sluice.worker.net.WireSink;
import io.sluice.worker.rtmp.chunk.IncompleteMessageBudget;
import io.sluice.worker.rtmp.session.SessionSettings;
import io.sluice.worker.stream.ClusterView;
import io.sluice.worker.stream.GopSettings;
import io.sluice.worker.stream.StreamRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pipeline an accepted RTMP connection gets, on a real epoll socket. */
@Timeout(20)
class RtmpServerInitializerTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private Channel server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close().sync();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void theBuilderGivesTheConnectionASinkBelowTheChunkEncoderThatMayWriteDirectly() throws Exception {
        SessionSettings settings = SessionSettings.defaults();
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new RtmpServerInitializer(() -> settings,
                                new StreamRegistry(new GopSettings(true, 10, 1 << 20)), ClusterView.STANDALONE,
                                new ConnectionLimits(0, 0), new IncompleteMessageBudget(1 << 20), false));
                        accepted.complete(ch);
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        try (Socket client = new Socket()) {
            client.connect(server.localAddress());
            Channel ch = accepted.get(5, TimeUnit.SECONDS);
            List<String> names = ch.eventLoop().submit(() -> ch.pipeline().names()).get(5, TimeUnit.SECONDS);
            assertEquals(List.of("traffic", "handshake", "admission", "chunkDecoder", "chunkEncoder",
                    "messageDecoder", "messageEncoder", "protocolControl", "session"), names.subList(0, 9));
            WireSink sink = Connection.of(ch).sink();
            assertNotNull(sink, "set by the builder");
            assertTrue(sink.direct(), "only the traffic counter is below the chunk encoder");
        }
    }
}
