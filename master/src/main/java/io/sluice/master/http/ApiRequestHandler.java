package io.sluice.master.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.sluice.common.channel.ChannelRequestException;
import io.sluice.common.channel.ChannelTimeoutException;
import io.sluice.common.config.ApiSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Answers one aggregated request at a time on an operator connection: checks the token, picks
 * {@code /api/v1/}, {@code /metrics} or {@code /dashboard/}, and writes the answer with a
 * {@code Content-Length}. Keep-alive is honoured; a request the decoder could not read whole
 * (line or headers too long, broken syntax) is answered and the connection closed. Nothing here
 * touches a worker's media: the worst a bad request costs is its own connection.
 */
final class ApiRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(ApiRequestHandler.class);

    private final ApiRoutes routes;
    private final ApiBackend backend;
    private final DashboardFiles dashboard;
    private final Supplier<ApiSettings> settings;

    ApiRequestHandler(ApiBackend backend, DashboardFiles dashboard, Supplier<ApiSettings> settings) {
        this.routes = new ApiRoutes(backend);
        this.backend = backend;
        this.dashboard = dashboard;
        this.settings = settings;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            Throwable cause = request.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST;
            log.warn("bad API request [connection:{}]: {}", ctx.channel().id(), cause.getMessage());
            write(ctx, HttpReply.error(status, "malformed request: " + cause.getMessage()), false);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        ApiSettings api = settings.get();
        String path = new QueryStringDecoder(request.uri()).rawPath();
        boolean isDashboard = path.equals("/") || path.equals("/dashboard") || path.startsWith("/dashboard/");
        // The dashboard's files hold no data; its scripts send the token with each API call.
        if (!isDashboard && !authorized(request, api.token())) {
            HttpReply refused = HttpReply.error(HttpResponseStatus.UNAUTHORIZED,
                    "missing or wrong token: send Authorization: Bearer <api.token>");
            write(ctx, refused, keepAlive);
            return;
        }
        CompletableFuture<?> answer;
        try {
            answer = isDashboard ? CompletableFuture.completedFuture(dashboard.get(request.method(), path))
                    : path.equals("/metrics") ? metrics(request.method())
                    : routes.answer(request.method(), request.uri(), request.content().toString(StandardCharsets.UTF_8),
                    api.workerTimeout());
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenCompleteAsync((value, failure) -> write(ctx, failure == null ? reply(value) : refusal(failure),
                keepAlive), ctx.executor());
    }

    private CompletableFuture<?> metrics(HttpMethod method) {
        if (!method.equals(HttpMethod.GET)) {
            throw new ApiRoutes.MethodNotAllowed(method, HttpMethod.GET);
        }
        return backend.metrics().thenApply(text -> new HttpReply(HttpResponseStatus.OK,
                "text/plain; version=0.0.4; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), null));
    }

    /** RFC 6750 bearer token, compared in constant time; no token configured: everyone may. */
    static boolean authorized(FullHttpRequest request, String token) {
        if (token.isEmpty()) {
            return true;
        }
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] sent = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(sent, token.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpReply reply(Object value) {
        return value instanceof HttpReply r ? r : HttpReply.json(value);
    }

    private static HttpReply refusal(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof HttpProblem p) {
            return HttpReply.error(p.status(), p.getMessage());
        }
        if (cause instanceof ApiRoutes.MethodNotAllowed m) {
            return HttpReply.error(HttpResponseStatus.METHOD_NOT_ALLOWED, m.getMessage()).withAllow(m.allowed.name());
        }
        if (cause instanceof ChannelRequestException refused) {
            return HttpReply.error(ApiRoutes.statusOf(refused.code()), refused.reason());
        }
        if (cause instanceof ChannelTimeoutException) {
            return HttpReply.error(HttpResponseStatus.GATEWAY_TIMEOUT, cause.getMessage());
        }
        log.error("API request failed", cause);
        return HttpReply.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error (see the master's log)");
    }

    private static void write(ChannelHandlerContext ctx, HttpReply reply, boolean keepAlive) {
        if (!ctx.channel().isActive()) {
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, reply.status(),
                Unpooled.wrappedBuffer(reply.body()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        if (reply.allow() != null) {
            response.headers().set(HttpHeaderNames.ALLOW, reply.allow());
        }
        if (reply.status().equals(HttpResponseStatus.UNAUTHORIZED)) {
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"sluice\"");
        }
        if (reply.location() != null) {
            response.headers().set(HttpHeaderNames.LOCATION, reply.location());
        }
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof ReadTimeoutException) {
            log.debug("API connection idle, closed [connection:{}]", ctx.channel().id());
        } else if (cause instanceof TooLongFrameException) {
            log.warn("bad API request [connection:{}]: {}", ctx.channel().id(), cause.getMessage());
        } else {
            log.debug("API connection failed [connection:{}]: {}", ctx.channel().id(), cause.toString());
        }
        ctx.close();
    }
}
