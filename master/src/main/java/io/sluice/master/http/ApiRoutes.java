package io.sluice.master.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.sluice.common.channel.ChannelJson;
import io.sluice.common.protocol.control.ClientView;
import io.sluice.common.protocol.control.MissingWorker;
import io.sluice.common.protocol.control.StatusView;
import io.sluice.common.protocol.control.StreamView;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The JSON API under {@code /api/v1/}: which method and path does what, and the checks of the
 * path and query. Answers are values ({@link HttpReply} or a record to render as JSON); the
 * caller renders them on its own thread, not on the channel thread that completed the workers'
 * answers. Refusals are {@link HttpProblem}s, thrown or as the future's failure.
 */
final class ApiRoutes {

    static final String PREFIX = "/api/v1/";
    /** Default page size of {@code /clients}: enough for a dashboard table. */
    static final int DEFAULT_PER_PAGE = 100;
    /** Largest page of {@code /clients}: bounds one answer's size whatever the client count. */
    static final int MAX_PER_PAGE = 1000;

    private final ApiBackend backend;

    ApiRoutes(ApiBackend backend) {
        this.backend = backend;
    }

    /** {@code GET /api/v1/workers}: every worker of every generation, as of its last heartbeat. */
    record Workers(int generation, List<StatusView.WorkerView> workers, Map<Integer, String> givenUp,
                   List<MissingWorker> partial) {
    }

    record Streams(List<StreamView> streams, List<MissingWorker> partial) {
    }

    record OneStream(StreamView stream, List<MissingWorker> partial) {
    }

    /** One page of clients, in worker then id order; {@code total} counts all of them. */
    record Clients(int total, int page, int perPage, List<ClientView> clients, List<MissingWorker> partial) {
    }

    /**
     * Answers one request.
     *
     * @param uri      the request target, path and query, as received
     * @param body     the request body, empty when none
     * @param deadline how long each worker may take
     */
    CompletableFuture<?> answer(HttpMethod method, String uri, String body, Duration deadline) {
        QueryStringDecoder query = new QueryStringDecoder(uri);
        String path = query.rawPath();
        if (!path.startsWith(PREFIX)) {
            throw HttpProblem.notFound("no such path: " + path + " (the API is under " + PREFIX + ")");
        }
        List<String> parts = segments(path.substring(PREFIX.length()));
        String first = parts.isEmpty() ? "" : parts.get(0);
        switch (first) {
            case "summary" -> {
                exact(parts, 1, path);
                only(method, HttpMethod.GET);
                noParams(query, Set.of());
                return backend.summary();
            }
            case "workers" -> {
                exact(parts, 1, path);
                only(method, HttpMethod.GET);
                noParams(query, Set.of());
                return backend.status().thenApply(s -> new Workers(s.generation(), s.workers(), s.givenUp(), List.of()));
            }
            case "streams" -> {
                only(method, HttpMethod.GET);
                noParams(query, Set.of());
                if (parts.size() == 1) {
                    return backend.streams(deadline).thenApply(g -> new Streams(g.value(), g.partial()));
                }
                exact(parts, 3, path);
                String name = parts.get(1) + "/" + parts.get(2);
                return backend.streams(deadline).thenApply(g -> g.value().stream()
                        .filter(s -> s.stream().equals(name)).findFirst()
                        .map(s -> new OneStream(s, g.partial()))
                        .orElseThrow(() -> HttpProblem.notFound(name + " is not published")));
            }
            case "clients" -> {
                if (parts.size() == 1) {
                    only(method, HttpMethod.GET);
                    noParams(query, Set.of("page", "per_page"));
                    int page = intParam(query, "page", 1, 1, Integer.MAX_VALUE);
                    int perPage = intParam(query, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE);
                    return backend.clients(deadline).thenApply(g -> page(g.value(), page, perPage, g.partial()));
                }
                exact(parts, 2, path);
                only(method, HttpMethod.DELETE);
                noParams(query, Set.of());
                return backend.kick(parts.get(1), deadline);
            }
            case "reload" -> {
                exact(parts, 1, path);
                only(method, HttpMethod.POST);
                noParams(query, Set.of());
                checkReloadBody(body);
                return backend.reload();
            }
            default -> throw HttpProblem.notFound("no such path: " + path);
        }
    }

    private static Clients page(List<ClientView> all, int page, int perPage, List<MissingWorker> partial) {
        List<ClientView> sorted = all.stream()
                .sorted(Comparator.comparingInt(ClientView::worker).thenComparing(ClientView::id)).toList();
        long from = (long) (page - 1) * perPage;
        List<ClientView> slice = from >= sorted.size() ? List.of()
                : sorted.subList((int) from, (int) Math.min(sorted.size(), from + perPage));
        return new Clients(sorted.size(), page, perPage, slice, partial);
    }

    /** The decoded, non-empty segments of a path below the prefix; a trailing slash is allowed. */
    private static List<String> segments(String rest) {
        if (rest.isEmpty()) {
            return List.of();
        }
        String[] raw = rest.split("/", -1);
        int n = raw.length;
        if (raw[n - 1].isEmpty()) {
            n--;
        }
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            if (raw[i].isEmpty()) {
                throw HttpProblem.notFound("no such path: empty segment in " + PREFIX + rest);
            }
            try {
                out[i] = QueryStringDecoder.decodeComponent(raw[i]);
            } catch (IllegalArgumentException e) {
                throw HttpProblem.badRequest("bad percent-escape in the path: " + raw[i]);
            }
        }
        return List.of(out);
    }

    private static void exact(List<String> parts, int size, String path) {
        if (parts.size() != size) {
            throw HttpProblem.notFound("no such path: " + path);
        }
    }

    private static void only(HttpMethod method, HttpMethod allowed) {
        if (!method.equals(allowed)) {
            throw new MethodNotAllowed(method, allowed);
        }
    }

    /** A 405 that names the method that would have worked (the {@code Allow} header). */
    static final class MethodNotAllowed extends RuntimeException {
        final HttpMethod allowed;

        MethodNotAllowed(HttpMethod method, HttpMethod allowed) {
            super(method + " is not allowed here; use " + allowed, null, false, false);
            this.allowed = allowed;
        }
    }

    private static void noParams(QueryStringDecoder query, Set<String> known) {
        for (String name : query.parameters().keySet()) {
            if (!known.contains(name)) {
                throw HttpProblem.badRequest("unknown query parameter '" + name + "'"
                        + (known.isEmpty() ? " (this endpoint takes none)" : " (known: " + String.join(", ", known) + ")"));
            }
        }
    }

    private static int intParam(QueryStringDecoder query, String name, int absent, int min, int max) {
        List<String> values = query.parameters().get(name);
        if (values == null) {
            return absent;
        }
        if (values.size() > 1) {
            throw HttpProblem.badRequest("query parameter '" + name + "' given " + values.size() + " times");
        }
        String text = values.get(0);
        try {
            long v = text.length() > 10 ? Long.MAX_VALUE : Long.parseLong(text);
            if (v >= min && v <= max) {
                return (int) v;
            }
        } catch (NumberFormatException e) {
            // falls through to the answer below
        }
        throw HttpProblem.badRequest("query parameter '" + name + "' must be an integer " + min + ".."
                + (max == Integer.MAX_VALUE ? "" : max) + ", got '" + text + "'");
    }

    /** A reload takes no options; a body, if any, must be a JSON object (so {@code {}} works). */
    private static void checkReloadBody(String body) {
        if (body.isBlank()) {
            return;
        }
        JsonNode tree;
        try {
            tree = ChannelJson.parse(body);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("malformed JSON body: " + e.getMessage());
        }
        if (!tree.isObject() || !tree.isEmpty()) {
            throw HttpProblem.badRequest("reload takes no options: send no body or {}");
        }
    }

    static HttpResponseStatus statusOf(io.sluice.common.channel.ErrorCode code) {
        return switch (code) {
            case BAD_REQUEST -> HttpResponseStatus.BAD_REQUEST;
            case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            case BUSY, NEEDS_RESTART -> HttpResponseStatus.CONFLICT;
            case INVALID_CONFIG -> HttpResponseStatus.UNPROCESSABLE_ENTITY;
            case STOPPING -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            default -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
        };
    }
}
