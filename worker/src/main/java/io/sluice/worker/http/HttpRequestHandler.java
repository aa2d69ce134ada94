package io.sluice.worker.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.worker.access.AccessControl;
import io.sluice.worker.access.HttpAccess;
import io.sluice.worker.access.Refusal;
import io.sluice.worker.access.Verdict;
import io.sluice.worker.hls.BlockingReload;
import io.sluice.worker.hls.DeltaUpdate;
import io.sluice.worker.hls.HlsLayout;
import io.sluice.worker.http.flv.FlvPlayer;
import io.sluice.worker.http.flv.FlvTags;
import io.sluice.worker.net.Connection;
import io.sluice.worker.net.ConnectionLimits;
import io.sluice.worker.net.WireSink;
import io.sluice.worker.stats.WorkerCounters;
import io.sluice.worker.stream.ClusterView;
import io.sluice.worker.stream.StreamKey;
import io.sluice.worker.stream.StreamRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.LastHttpContent;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Answers the one request of an HTTP connection (there is no keep-alive: a player's answer lasts
 * as long as the connection, and every other answer closes it):
 * <ul>
 *   <li>{@code GET /{app}/{name}.flv}: the live stream as HTTP-FLV ({@code video/x-flv}, chunked
 *       for HTTP/1.1, until close for HTTP/1.0), once the stream is live;
 *   <li>the same with {@code Upgrade: websocket}: handed to Netty's WebSocket handshake, then
 *       WebSocket-FLV ({@link WebSocketFlvHandler});
 *   <li>{@code HEAD} of such a path: the head of that answer; {@code OPTIONS}: a CORS preflight, 204;
 *   <li>anything else: 405 (another method), 404 (another path), 400 (a malformed request, or a
 *       path with {@code ..}, control characters or broken escapes), 414/431 (request line or
 *       headers over {@code http.max_request_line}/{@code max_header_size}), 503 (over the worker's
 *       connection limits), each with {@code Connection: close} and at most one log line
 *       (WARN for what a well-behaved client never sends, DEBUG for the rest).
 * </ul>
 * Every answer carries {@code Access-Control-Allow-Origin} ({@code http.cors_origin}). A request
 * that has not arrived whole within {@code http.request_timeout} closes the connection.
 */
final class HttpRequestHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(HttpRequestHandler.class);
    private static final String ALLOWED_METHODS = "GET, HEAD, OPTIONS";
    /** Header names a preflight may ask for that are echoed back; anything else is not. */
    private static final Pattern HEADER_LIST = Pattern.compile("[A-Za-z0-9\\-, ]{1,512}");
    private static final String FLV_TYPE = "video/x-flv";

    private enum State { REQUEST, CHECKING, ANSWERED, PLAYING, WEBSOCKET }

    private final HttpServerSettings settings;
    private final StreamRegistry registry;
    private final ClusterView cluster;
    private final ConnectionLimits limits;
    private final AccessControl access;
    /** The HLS root, null without HLS. */
    private final Path hlsRoot;
    /** Where Low-Latency HLS blocking requests wait; null: answered at once. */
    private final BlockingReload blocking;
    /** Cancels the parked blocking request when the connection closes; null when none is parked. */
    private io.netty.util.concurrent.GenericFutureListener<io.netty.util.concurrent.Future<? super Void>> parkedCancel;
    /** Admitted under the connection limits (once per kept-alive connection of HLS requests). */
    private boolean limitsAdmitted;
    private State state = State.REQUEST;
    private ScheduledFuture<?> requestTimer;
    private FlvPlayer player;
    private Connection connection;
    /** The request and stream a player was admitted for, for its on_play_done hook. */
    private HttpRequest admitted;
    private StreamKey admittedKey;
    private Verdict.Allowed admission;

    HttpRequestHandler(HttpServerSettings settings, StreamRegistry registry, ClusterView cluster,
                       ConnectionLimits limits, AccessControl access, Path hlsRoot, BlockingReload blocking) {
        this.blocking = blocking;
        this.access = access;
        this.hlsRoot = hlsRoot;
        this.settings = settings;
        this.registry = registry;
        this.cluster = cluster;
        this.limits = limits;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        connection = Connection.of(ctx.channel());
        if (ctx.channel().isActive()) {
            startRequestTimer(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startRequestTimer(ctx);
        ctx.fireChannelActive();
    }

    private void startRequestTimer(ChannelHandlerContext ctx) {
        if (requestTimer == null) {
            requestTimer = ctx.executor().schedule(() -> {
                if (state == State.REQUEST) {
                    log.debug("no whole request within {} ms, closing [conn:{}, remote:{}]",
                            settings.requestTimeout().toMillis(), connection.id(), connection.remote());
                    ctx.close();
                }
            }, settings.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.WEBSOCKET && !(msg instanceof io.netty.handler.codec.http.HttpObject)) {
            ctx.fireChannelRead(msg); // WebSocket frames, for the handlers after the upgrade
            return;
        }
        try {
            if (state == State.REQUEST && msg instanceof HttpRequest request) {
                requestTimer.cancel(false);
                route(ctx, request);
            }
            // Request bodies, and requests after the first (no keep-alive, no pipelining): dropped.
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void route(ChannelHandlerContext ctx, HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            Throwable cause = result.cause();
            HttpResponseStatus status = cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST;
            refuse(ctx, status, true, "malformed request: " + cause.getMessage());
            return;
        }
        HttpVersion version = request.protocolVersion();
        if (!version.equals(HttpVersion.HTTP_1_1) && !version.equals(HttpVersion.HTTP_1_0)) {
            refuse(ctx, HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, true, "HTTP version " + version.text());
            return;
        }
        HttpMethod method = request.method();
        if (method.equals(HttpMethod.OPTIONS)) {
            preflight(ctx, request);
            return;
        }
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            refuse(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, false, "method " + method.name() + " not allowed");
            return;
        }
        if (hlsRoot != null && HlsPath.isHls(request.uri())) {
            serveHls(ctx, request);
            return;
        }
        StreamPath path;
        try {
            path = StreamPath.parse(request.uri());
        } catch (StreamPath.BadPath e) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, true, "bad path: " + e.getMessage());
            return;
        }
        if (path == null) {
            refuse(ctx, HttpResponseStatus.NOT_FOUND, false, "no stream at this path (/APP/NAME.flv)");
            return;
        }
        if (method.equals(HttpMethod.HEAD)) {
            if (!access.serves(path.key().app())) {
                refuse(ctx, HttpResponseStatus.NOT_FOUND, false, "application " + path.key().app() + " is not served");
                return;
            }
            HttpResponse head = flvHead(request.protocolVersion());
            HttpUtil.setTransferEncodingChunked(head, false);
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            answer(ctx, new DefaultFullHttpResponse(head.protocolVersion(), head.status(), Unpooled.EMPTY_BUFFER,
                    head.headers(), EmptyHttpHeaders.INSTANCE));
            return;
        }
        if (!admit(ctx)) {
            return;
        }
        state = State.CHECKING;
        StreamKey asked = path.key();
        CompletableFuture<Verdict> verdict = HttpAccess.play(access, ctx.channel(), request, asked.app(), asked.name());
        if (verdict.isDone()) {
            checked(ctx, request, asked, verdict.join());
        } else {
            verdict.whenComplete((v, error) -> ctx.executor().execute(() -> {
                if (ctx.channel().isActive()) {
                    checked(ctx, request, asked, error == null ? v
                            : access.refuse(Refusal.HOOK, "The access check failed."));
                } else if (v instanceof Verdict.Allowed allowed) {
                    access.release(allowed); // admitted for a player that has left
                }
            }));
        }
    }

    /** The access decision for a player is in: refuse, or play the (maybe renamed) stream. */
    private void checked(ChannelHandlerContext ctx, HttpRequest request, StreamKey asked, Verdict verdict) {
        if (verdict instanceof Verdict.Refused r) {
            refuse(ctx, HttpAccess.status(r.why()), false, r.description());
            return;
        }
        admission = (Verdict.Allowed) verdict;
        StreamKey key = new StreamKey(asked.app(), admission.name());
        admitted = request;
        admittedKey = key;
        if (isWebSocketUpgrade(request)) {
            upgrade(ctx, request, key);
        } else {
            play(ctx, request, key);
        }
    }

    private static boolean isWebSocketUpgrade(HttpRequest request) {
        return request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    /**
     * Answers an HLS request from the files under the HLS root, whichever worker wrote them:
     * playlists with the request's query carried onto their URIs, segments with {@code sendfile}
     * ({@link DefaultFileRegion}). Keeps the connection for the next request (players poll the
     * playlist and fetch segments on one connection) unless the client asked to close. A file
     * that is not there is 404; a path that could leave the root is 400.
     */
    private void serveHls(ChannelHandlerContext ctx, HttpRequest request) {
        HlsPath path;
        try {
            path = HlsPath.parse(request.uri(), hlsRoot);
        } catch (StreamPath.BadPath e) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, true, "bad path: " + e.getMessage());
            return;
        }
        if (!limitsAdmitted) {
            if (!admit(ctx)) {
                return;
            }
            limitsAdmitted = true;
        }
        // The same access checks as an HTTP-FLV player (apps, rules, signed URLs, on_play hook),
        // for every playlist and segment, taking no place under the player limits.
        state = State.CHECKING;
        StreamKey stream = path.stream(hlsRoot);
        CompletableFuture<Verdict> verdict = HttpAccess.request(access, ctx.channel(), request, stream.app(),
                stream.name());
        if (verdict.isDone()) {
            hlsChecked(ctx, request, path, verdict.join());
        } else {
            verdict.whenComplete((v, error) -> ctx.executor().execute(() -> {
                if (ctx.channel().isActive()) {
                    hlsChecked(ctx, request, path, error == null ? v
                            : access.refuse(Refusal.HOOK, "The access check failed."));
                }
            }));
        }
    }

    /** The access decision for an HLS request is in: refuse it, or answer with the file. */
    private void hlsChecked(ChannelHandlerContext ctx, HttpRequest request, HlsPath path, Verdict verdict) {
        if (verdict instanceof Verdict.Refused r) {
            refuse(ctx, HttpAccess.status(r.why()), false, r.description());
            return;
        }
        if (blocking != null && !parkIfBlocking(ctx, request, path)) {
            return;
        }
        hlsFile(ctx, request, path);
    }

    /**
     * Low-Latency HLS (RFC 8216bis 6.2.5.2): a media playlist request with {@code _HLS_msn} (and
     * {@code _HLS_part}) waits until the playlist has that segment or part; a request for the
     * part the preload hint names, not there yet, waits until it is. Both wait in {@link
     * BlockingReload}, bounded in number and time. Returns true when the request is answered now.
     */
    private boolean parkIfBlocking(ChannelHandlerContext ctx, HttpRequest request, HlsPath path) {
        HttpVersion version = request.protocolVersion();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        BlockingReload.Cancel cancel;
        if (path.playlist()) {
            if (!path.file().getFileName().toString().equals(HlsLayout.MEDIA_PLAYLIST)) {
                return true;
            }
            String msn = HlsPath.parameter(path.query(), "_HLS_msn");
            String part = HlsPath.parameter(path.query(), "_HLS_part");
            if (msn == null) {
                if (part != null) { // 6.2.5.2: _HLS_part without _HLS_msn is a Bad Request
                    hlsAnswer(ctx, keepAlive, textResponse(version, HttpResponseStatus.BAD_REQUEST, "_HLS_part without _HLS_msn"));
                    return false;
                }
                return true;
            }
            long m;
            int p;
            try {
                m = Long.parseLong(msn);
                p = part == null ? -1 : Integer.parseInt(part);
            } catch (NumberFormatException e) {
                m = -1;
                p = -1;
            }
            if (m < 0 || (part != null && p < 0)) {
                hlsAnswer(ctx, keepAlive, textResponse(version, HttpResponseStatus.BAD_REQUEST, "bad _HLS_msn or _HLS_part"));
                return false;
            }
            state = State.CHECKING;
            cancel = blocking.await(path.file(), m, p, ctx.executor(), o -> unparked(ctx, request, path, o));
        } else if (path.file().getFileName().toString().endsWith(HlsLayout.FMP4_SEGMENT_SUFFIX)
                && !Files.exists(path.file(), LinkOption.NOFOLLOW_LINKS)) {
            state = State.CHECKING;
            cancel = blocking.awaitFile(path.file(), ctx.executor(), o -> unparked(ctx, request, path, o));
        } else {
            return true;
        }
        // Removed when the wait is over: a kept-alive LL-HLS connection parks several times a second.
        parkedCancel = f -> cancel.cancel();
        ctx.channel().closeFuture().addListener(parkedCancel);
        return false;
    }

    /** A parked HLS request's wait is over: the file, or why not. */
    private void unparked(ChannelHandlerContext ctx, HttpRequest request, HlsPath path, BlockingReload.Outcome o) {
        if (parkedCancel != null) {
            ctx.channel().closeFuture().removeListener(parkedCancel);
            parkedCancel = null;
        }
        if (!ctx.channel().isActive()) {
            return;
        }
        HttpVersion version = request.protocolVersion();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        state = State.ANSWERED;
        switch (o) {
            case READY -> hlsFile(ctx, request, path);
            case TOO_FAR -> hlsAnswer(ctx, keepAlive, textResponse(version, HttpResponseStatus.BAD_REQUEST,
                    "_HLS_msn or _HLS_part too far beyond the live edge"));
            case GONE -> hlsAnswer(ctx, keepAlive, textResponse(version, HttpResponseStatus.NOT_FOUND, "no such HLS file"));
            case BUSY, TIMEOUT -> hlsAnswer(ctx, keepAlive, textResponse(version, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    o == BlockingReload.Outcome.BUSY ? "too many blocking HLS requests" : "nothing new within three target durations"));
        }
    }

    /** Answers an HLS request with its file: a playlist (query carried), or a segment by sendfile. */
    private void hlsFile(ChannelHandlerContext ctx, HttpRequest request, HlsPath path) {
        state = State.ANSWERED;
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean head = request.method().equals(HttpMethod.HEAD);
        HttpVersion version = request.protocolVersion();
        // Playlists are small files in the page cache, read here as sendfile would be.
        if (!Files.isRegularFile(path.file(), LinkOption.NOFOLLOW_LINKS)) {
            hlsAnswer(ctx, keepAlive, textResponse(version, HttpResponseStatus.NOT_FOUND, "no such HLS file"));
            return;
        }
        if (path.playlist()) {
            byte[] text;
            try {
                String playlist = Files.readString(path.file(), StandardCharsets.UTF_8);
                if (DeltaUpdate.asked(HlsPath.parameter(path.query(), "_HLS_skip"))
                        && path.file().getFileName().toString().equals(HlsLayout.MEDIA_PLAYLIST)) {
                    playlist = DeltaUpdate.of(playlist);
                }
                text = HlsPath.withQuery(playlist, path.query()).getBytes(StandardCharsets.UTF_8);
            } catch (IOException e) {
                hlsAnswer(ctx, keepAlive, textResponse(version, HttpResponseStatus.NOT_FOUND, "no such HLS file"));
                return;
            }
            FullHttpResponse response = new DefaultFullHttpResponse(version, HttpResponseStatus.OK,
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(text));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/vnd.apple.mpegurl");
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
            HttpUtil.setContentLength(response, text.length);
            hlsAnswer(ctx, keepAlive, response);
            return;
        }
        FileChannel file;
        long size;
        try {
            file = FileChannel.open(path.file(), StandardOpenOption.READ);
            size = file.size();
        } catch (IOException e) { // deleted in between
            hlsAnswer(ctx, keepAlive, textResponse(version, HttpResponseStatus.NOT_FOUND, "no such HLS file"));
            return;
        }
        HttpResponse response = new DefaultHttpResponse(version, HttpResponseStatus.OK);
        HttpHeaders h = response.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, path.file().getFileName().toString().endsWith(HlsLayout.SEGMENT_SUFFIX)
                ? "video/mp2t" : "video/mp4");
        // A segment's name is never reused (publish tag and sequence number): it never changes.
        h.set(HttpHeaderNames.CACHE_CONTROL, "max-age=3600");
        HttpUtil.setContentLength(response, size);
        cors(h);
        setKeepAlive(response, keepAlive);
        ctx.write(response);
        if (head) {
            closeQuietly(file);
        } else {
            ctx.write(new DefaultFileRegion(file, 0, size)); // closes the file when sent or failed
        }
        afterHls(ctx, keepAlive, ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
    }

    private void hlsAnswer(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        HttpHeaders h = response.headers();
        if (!h.contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)) {
            cors(h);
        }
        if (!h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            HttpUtil.setContentLength(response, response.content().readableBytes());
        }
        setKeepAlive(response, keepAlive);
        afterHls(ctx, keepAlive, ctx.writeAndFlush(response));
    }

    private static void setKeepAlive(HttpResponse response, boolean keepAlive) {
        if (keepAlive && response.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        } else if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
    }

    /** Back to waiting for the next request (timed as the first), or closed; reads pause while the socket is full. */
    private void afterHls(ChannelHandlerContext ctx, boolean keepAlive, io.netty.channel.ChannelFuture written) {
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
            return;
        }
        state = State.REQUEST;
        requestTimer = null;
        startRequestTimer(ctx);
        if (!ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    private static void closeQuietly(FileChannel file) {
        try {
            file.close();
        } catch (IOException ignored) {
            // a file we only read
        }
    }

    /** Admits the player under the worker's connection limits, or answers 503. */
    private boolean admit(ChannelHandlerContext ctx) {
        if (limits == null) {
            return true;
        }
        InetAddress address = ctx.channel().remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
        String refusal = limits.admit(address);
        if (refusal != null) {
            limits.refused(connection.remote(), refusal, ctx.executor()); // counted and logged once a second
            state = State.ANSWERED;
            FullHttpResponse response = textResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "This server is at its connection limit.");
            answer(ctx, response);
            return false;
        }
        ctx.channel().closeFuture().addListener(f -> limits.release(address));
        return true;
    }

    private void play(ChannelHandlerContext ctx, HttpRequest request, StreamKey key) {
        state = State.PLAYING;
        HttpVersion version = request.protocolVersion();
        boolean chunked = !version.equals(HttpVersion.HTTP_1_0);
        // The FLV bytes go in below the HTTP codec, already framed as chunks: made once per frame
        // and worker and shared by every player (the codec would copy and frame them per player).
        WireSink sink = WireSink.at(ctx.pipeline().context(HttpServerCodec.class));
        player = Playback.start(ctx, key, sink, chunked ? FlvTags.CHUNKED : FlvTags.PLAIN, "http-flv",
                settings, registry, cluster,
                () -> ctx.write(flvHead(version), ctx.voidPromise()),
                () -> refusePlay(ctx, key + " is not published (waited "
                        + settings.playWaitTimeout().toMillis() + " ms)"));
    }

    /** A play of a stream that is not there: counted as RTMP's Play.StreamNotFound is. */
    private void refusePlay(ChannelHandlerContext ctx, String why) {
        WorkerCounters.refused("NetStream.Play.StreamNotFound");
        refuse(ctx, HttpResponseStatus.NOT_FOUND, false, why);
    }

    /** The head of an FLV answer; the body follows for as long as the connection lasts. */
    private HttpResponse flvHead(HttpVersion version) {
        HttpResponse head = new DefaultHttpResponse(version, HttpResponseStatus.OK);
        HttpHeaders h = head.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, FLV_TYPE);
        h.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        if (version.equals(HttpVersion.HTTP_1_0)) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else {
            HttpUtil.setTransferEncodingChunked(head, true);
        }
        cors(h);
        return head;
    }

    private void upgrade(ChannelHandlerContext ctx, HttpRequest request, StreamKey key) {
        state = State.WEBSOCKET;
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(request.uri())
                .checkStartsWith(false)
                .handleCloseFrames(true)
                // Netty would answer every close of ours with a close frame, also before the
                // handshake (where no WebSocket encoder exists yet to write it); a player we close
                // (kick, too slow) just sees the connection end, as an HTTP-FLV player does.
                .sendCloseFrame(null)
                .dropPongFrames(true)
                .handshakeTimeoutMillis(settings.requestTimeout().toMillis())
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(settings.maxWsFrame())
                        .allowExtensions(false)
                        .build())
                .build();
        String name = ctx.name();
        ctx.pipeline().addAfter(name, "websocket", new WebSocketServerProtocolHandler(config));
        ctx.pipeline().addAfter("websocket", "websocketPlayer",
                new WebSocketFlvHandler(key, settings, registry, cluster));
        // Netty's handshake takes a whole request; a GET upgrade has no body to wait for.
        ctx.fireChannelRead(new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(),
                Unpooled.EMPTY_BUFFER, request.headers(), EmptyHttpHeaders.INSTANCE));
    }

    private void preflight(ChannelHandlerContext ctx, HttpRequest request) {
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.NO_CONTENT);
        HttpHeaders h = response.headers();
        cors(h);
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS);
        String asked = request.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
        if (asked != null && HEADER_LIST.matcher(asked).matches()) {
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, asked);
        }
        h.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, 86400);
        answer(ctx, response);
    }

    private void cors(HttpHeaders h) {
        String origin = settings.corsOrigin();
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        if (!origin.equals("*")) {
            h.set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
        }
    }

    /** Answers with {@code status} and closes; one log line (WARN when {@code warn}, else DEBUG). */
    private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, boolean warn, String reason) {
        state = State.ANSWERED;
        if (warn) {
            log.warn("bad HTTP request, answered {} and closed [conn:{}, remote:{}]: {}", status.code(),
                    connection.id(), connection.remote(), reason);
        } else {
            log.debug("HTTP request answered {} [conn:{}, remote:{}]: {}", status.code(), connection.id(),
                    connection.remote(), reason);
        }
        answer(ctx, textResponse(HttpVersion.HTTP_1_1, status, reason));
    }

    private FullHttpResponse textResponse(HttpVersion version, HttpResponseStatus status, String text) {
        ByteBuf body = Unpooled.copiedBuffer(status + "\n" + text + "\n", StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(version, status, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        if (status.equals(HttpResponseStatus.METHOD_NOT_ALLOWED)) {
            response.headers().set(HttpHeaderNames.ALLOW, ALLOWED_METHODS);
        }
        return response;
    }

    /** Writes a whole answer and closes the connection after it. */
    private void answer(ChannelHandlerContext ctx, FullHttpResponse response) {
        state = state == State.REQUEST ? State.ANSWERED : state;
        HttpHeaders h = response.headers();
        if (!h.contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)) {
            cors(h);
        }
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        boolean head = FLV_TYPE.equals(h.get(HttpHeaderNames.CONTENT_TYPE)); // HEAD: no length to tell
        if (!head && !response.status().equals(HttpResponseStatus.NO_CONTENT)
                && !h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            HttpUtil.setContentLength(response, response.content().readableBytes());
        }
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (player == null && state == State.REQUEST && ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(true); // an HLS client's answers have gone out
        }
        if (player != null) {
            player.writabilityChanged(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (requestTimer != null) {
            requestTimer.cancel(false);
        }
        if (player != null) {
            player.close();
        }
        if (admitted != null) {
            access.release(admission);
            HttpAccess.ended(access, ctx.channel(), admitted, admittedKey.app(), admittedKey.name());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state == State.WEBSOCKET) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        if (cause instanceof IOException) {
            log.debug("HTTP connection failed [conn:{}]: {}", connection.id(), cause.toString());
        } else {
            log.warn("HTTP connection failed, closing [conn:{}, remote:{}]", connection.id(), connection.remote(), cause);
        }
        ctx.close();
    }
}
