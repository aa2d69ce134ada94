package io.sluice.master.http;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The dashboard's static files, read once from the jar ({@code io/sluice/master/dashboard/}):
 * a fixed list, so no request path ever reaches the class loader. {@code /} and
 * {@code /dashboard} redirect to {@code /dashboard/}.
 */
final class DashboardFiles {

    static final String ROOT = "/dashboard/";
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "dashboard.js", "text/javascript; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8",
            // The stream preview's player: mpegts.js as published on npm, with its licence files.
            "vendor/mpegts.js", "text/javascript; charset=utf-8",
            "vendor/mpegts.js.LICENSE.txt", "text/plain; charset=utf-8",
            "vendor/LICENSE-mpegts.js", "text/plain; charset=utf-8");

    private final Map<String, byte[]> files = new HashMap<>();

    DashboardFiles() {
        for (String name : TYPES.keySet()) {
            try (InputStream in = DashboardFiles.class.getResourceAsStream("/io/sluice/master/dashboard/" + name)) {
                if (in != null) {
                    files.put(name, in.readAllBytes());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the dashboard's " + name + " from the jar", e);
            }
        }
    }

    HttpReply get(HttpMethod method, String path) {
        if (!method.equals(HttpMethod.GET)) {
            throw new ApiRoutes.MethodNotAllowed(method, HttpMethod.GET);
        }
        if (path.equals("/") || path.equals("/dashboard")) {
            return HttpReply.redirect(ROOT);
        }
        String name = path.equals(ROOT) ? "index.html" : path.substring(ROOT.length());
        byte[] body = files.get(name);
        if (body == null) {
            throw HttpProblem.notFound("no such dashboard file: " + path);
        }
        return new HttpReply(HttpResponseStatus.OK, TYPES.get(name), body, null);
    }
}
