package io.sluice.worker.access;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hooks over the JDK's {@link HttpClient}: asynchronous, on its own small thread pool, so an
 * event loop only starts a call and later gets the answer as a task. HTTP/1.1 only (what every
 * nginx-rtmp back-end speaks; the JDK would otherwise try an h2c upgrade), redirects never
 * followed (a 3xx is an answer: the rename), the body read and dropped.
 */
public final class HttpHooks implements Hooks, AutoCloseable {

    private final ExecutorService executor;
    private final HttpClient client;

    public HttpHooks(Duration connectTimeout) {
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "hooks-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .executor(executor)
                .build();
    }

    @Override
    public CompletableFuture<Answer> post(String url, Map<String, String> form, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form)))
                .build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .thenApply(r -> new Answer(r.statusCode(), r.headers().firstValue("Location").orElse(null)));
    }

    /** {@code application/x-www-form-urlencoded}: UTF-8, space as '+', fields in the given order. */
    static String encode(Map<String, String> form) {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> {
            if (body.length() > 0) {
                body.append('&');
            }
            body.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return body.toString();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
