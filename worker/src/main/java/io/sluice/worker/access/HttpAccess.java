package io.sluice.worker.access;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.sluice.worker.net.Connection;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The HTTP side's one way in to {@link AccessControl}, for every HTTP way to watch (HTTP-FLV,
 * WebSocket-FLV, HLS): the client described from the request (its query string carries the
 * arguments, as RTMP's {@code name?args}), and each refusal as a status code.
 */
public final class HttpAccess {

    /** As for RTMP names with their query: ffmpeg's URLs are at most this long, no token needs more. */
    static final int MAX_QUERY_LENGTH = 1024;

    private HttpAccess() {
    }

    /** May this request play {@code app/name}? Completes at once without a hook, else on a hook thread. */
    public static CompletableFuture<Verdict> play(AccessControl access, Channel channel, HttpRequest request,
                                                  String app, String name) {
        String query = new QueryStringDecoder(request.uri()).rawQuery();
        if (query.length() > MAX_QUERY_LENGTH) {
            return CompletableFuture.completedFuture(access.refuse(Refusal.BAD_REQUEST, "The query string is longer than "
                    + MAX_QUERY_LENGTH + " characters; use a shorter token."));
        }
        return access.check(Call.PLAY, client(channel, request), app, name, args(request));
    }

    /**
     * The same checks for a request that is not a session (an HLS playlist or segment): nothing
     * stays counted against the limits, so a stream at {@code max_players_per_stream} refuses it
     * but it takes no place. With a hook, {@code hooks.cache} keeps a player's requests from
     * asking the back-end each time.
     */
    public static CompletableFuture<Verdict> request(AccessControl access, Channel channel, HttpRequest request,
                                                     String app, String name) {
        return play(access, channel, request, app, name).thenApply(v -> {
            if (v instanceof Verdict.Allowed a && a.admission() != null) {
                access.release(a);
                return new Verdict.Allowed(a.name());
            }
            return v;
        });
    }

    /** Tells the on_play_done hook that a player admitted by {@link #play} left. */
    public static void ended(AccessControl access, Channel channel, HttpRequest request, String app, String name) {
        access.ended(Call.PLAY_DONE, client(channel, request), app, name, args(request));
    }

    /** The request's query arguments. */
    public static Map<String, String> args(HttpRequest request) {
        return QueryArgs.parse(new QueryStringDecoder(request.uri()).rawQuery());
    }

    /**
     * The client as the hooks see it: tcurl is the URL asked for without its query (as RTMP's
     * tcUrl has no stream name), pageurl the Referer.
     */
    public static Client client(Channel channel, HttpRequest request) {
        String host = request.headers().get(HttpHeaderNames.HOST, "");
        String path = new QueryStringDecoder(request.uri()).rawPath();
        return new Client(Connection.of(channel).id(),
                channel.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null,
                "http://" + host + path, request.headers().get(HttpHeaderNames.REFERER, ""), "", "");
    }

    /** How HTTP says each refusal: 404 for an app not served, 400 for an unusable request, 503 over a limit, else 403. */
    public static HttpResponseStatus status(Refusal why) {
        return switch (why) {
            case UNKNOWN_APP -> HttpResponseStatus.NOT_FOUND;
            case BAD_REQUEST -> HttpResponseStatus.BAD_REQUEST;
            case LIMIT -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            case RULE, SIGNATURE, HOOK -> HttpResponseStatus.FORBIDDEN;
        };
    }
}
