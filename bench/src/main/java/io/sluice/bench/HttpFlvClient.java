package io.sluice.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A streaming HTTP-FLV GET for the load generator: Netty's HTTP client codec, the body fed to an
 * {@link FlvSkimmer}. Counts the bytes read from the socket (HTTP framing included, as the RTMP
 * players count chunk headers), like {@code Connection.bytesIn} does for RTMP.
 */
final class HttpFlvClient {

    /** What the player is told; every call is on the channel's event loop. */
    interface Listener {
        /** The request is on the wire: tags timestamped before this came from the GOP cache. */
        void onRequestSent();

        void onMedia(MediaSummary media);

        void onClose();
    }

    private final Channel channel;
    private volatile long bytesIn;

    private HttpFlvClient(Channel channel) {
        this.channel = channel;
    }

    Channel channel() {
        return channel;
    }

    long bytesIn() {
        return bytesIn;
    }

    /**
     * Connects and sends {@code GET path}; completes with the client once a {@code 200} response's
     * headers arrived, exceptionally on a connect error, another status, or an early close.
     */
    static CompletableFuture<HttpFlvClient> play(EventLoopGroup group, URI url, int recvBufferMax,
                                                Consumer<Channel> onConnected, Listener listener) {
        CompletableFuture<HttpFlvClient> started = new CompletableFuture<>();
        InetSocketAddress address = new InetSocketAddress(url.getHost(), url.getPort() < 0 ? 80 : url.getPort());
        HttpFlvClient[] self = new HttpFlvClient[1];
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(EpollSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof ByteBuf buf && self[0] != null) {
                                    self[0].bytesIn += buf.readableBytes();
                                }
                                ctx.fireChannelRead(msg);
                            }
                        });
                        ch.pipeline().addLast(new HttpClientCodec());
                        ch.pipeline().addLast(new ResponseHandler(started, self, listener));
                    }
                });
        if (recvBufferMax > 0) {
            b.option(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(2048, 16384, recvBufferMax));
        }
        ChannelFuture connecting = b.connect(address);
        self[0] = new HttpFlvClient(connecting.channel());
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                started.completeExceptionally(f.cause());
                return;
            }
            Channel ch = connecting.channel();
            onConnected.accept(ch);
            String path = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
            DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
            request.headers().set(HttpHeaderNames.HOST, url.getHost() + ":" + address.getPort());
            request.headers().set(HttpHeaderNames.USER_AGENT, "sluice-bench");
            ch.writeAndFlush(request).addListener(w -> {
                if (w.isSuccess()) {
                    listener.onRequestSent();
                } else {
                    started.completeExceptionally(w.cause());
                    ch.close();
                }
            });
        });
        return started;
    }

    private static final class ResponseHandler extends SimpleChannelInboundHandler<HttpObject> {
        private final CompletableFuture<HttpFlvClient> started;
        private final HttpFlvClient[] self;
        private final Listener listener;
        private final FlvSkimmer skimmer;

        ResponseHandler(CompletableFuture<HttpFlvClient> started, HttpFlvClient[] self, Listener listener) {
            this.started = started;
            this.self = self;
            this.listener = listener;
            this.skimmer = new FlvSkimmer(listener::onMedia);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpResponse response) {
                if (!response.status().equals(HttpResponseStatus.OK)) {
                    started.completeExceptionally(new IllegalStateException("HTTP " + response.status()));
                    ctx.close();
                    return;
                }
                started.complete(self[0]);
            }
            if (msg instanceof HttpContent content) {
                skimmer.feed(content.content());
                if (skimmer.failure() != null) {
                    started.completeExceptionally(new IllegalStateException(skimmer.failure()));
                    ctx.close();
                    return;
                }
                if (msg instanceof LastHttpContent) {
                    ctx.close(); // the server ended the stream
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            started.completeExceptionally(new IllegalStateException("closed before a response"));
            listener.onClose();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            started.completeExceptionally(cause);
            ctx.close();
        }
    }
}
