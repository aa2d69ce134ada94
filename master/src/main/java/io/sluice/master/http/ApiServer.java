package io.sluice.master.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sluice.common.config.ApiSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The master's operator listener ({@code api.listen}): HTTP/1.1 on its own event loop thread, so
 * that a slow or hostile API client never delays the worker channel or the master loop.
 * Requests are bounded: {@value #MAX_REQUEST_LINE}-byte request line, {@value #MAX_HEADER_SIZE}
 * bytes of headers, {@value #MAX_BODY} bytes of body (no endpoint needs more), and a connection
 * silent for {@value #IDLE_SECONDS} s is closed. The token and worker deadline are read per
 * request, so a reload changes them in place; the address only changes with a restart.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    static final int MAX_REQUEST_LINE = 4096;
    static final int MAX_HEADER_SIZE = 8192;
    static final int MAX_BODY = 64 * 1024;
    static final int IDLE_SECONDS = 60;

    private final EventLoopGroup group;
    private final Channel server;
    /** Set before the bind, so a connection accepted at once already reads it; replaced on reload. */
    private final AtomicReference<ApiSettings> settings;

    private ApiServer(EventLoopGroup group, Channel server, AtomicReference<ApiSettings> settings) {
        this.group = group;
        this.server = server;
        this.settings = settings;
    }

    /** Binds {@code settings.listen()}; fails with the reason when the address cannot be used. */
    public static ApiServer start(ApiSettings settings, ApiBackend backend) throws IOException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("api"),
                EpollIoHandler.newFactory());
        DashboardFiles dashboard = new DashboardFiles();
        AtomicReference<ApiSettings> current = new AtomicReference<>(settings);
        ServerBootstrap b = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        pipeline(ch.pipeline(), backend, dashboard, current::get);
                    }
                });
        try {
            Channel server = b.bind(new InetSocketAddress(settings.host(), settings.port())).sync().channel();
            ApiServer api = new ApiServer(group, server, current);
            log.info("HTTP API, metrics and dashboard on http://{}/ ({})", settings.listen(),
                    settings.token().isEmpty() ? "no token" : "bearer token required");
            return api;
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot listen on " + settings.listen() + " (api.listen): " + e.getMessage(), e);
        }
    }

    /** The handlers of one connection; tests build the same pipeline on an {@code EmbeddedChannel}. */
    static void pipeline(ChannelPipeline p, ApiBackend backend, DashboardFiles dashboard,
                         Supplier<ApiSettings> settings) {
        p.addLast(new ReadTimeoutHandler(IDLE_SECONDS));
        p.addLast(new HttpServerCodec(MAX_REQUEST_LINE, MAX_HEADER_SIZE, 8192));
        p.addLast(new HttpObjectAggregator(MAX_BODY, true) {
            @Override
            protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
                // Answered in the API's own error form, then closed: the rest of the body is not read.
                log.warn("API request body over {} bytes refused [connection:{}]", MAX_BODY, ctx.channel().id());
                HttpReply reply = HttpReply.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                        "request body over " + MAX_BODY + " bytes");
                FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, reply.status(),
                        Unpooled.wrappedBuffer(reply.body()));
                r.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
                r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
                r.headers().set(HttpHeaderNames.CONNECTION, "close");
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            }
        });
        p.addLast(new ApiRequestHandler(backend, dashboard, settings));
    }

    /** Takes a reloaded configuration's token, deadline and metric settings (not its address). */
    public void update(ApiSettings next) {
        settings.set(next);
    }

    /** The address actually bound (port 0 in tests becomes a real one). */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    public ApiSettings settings() {
        return settings.get();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
