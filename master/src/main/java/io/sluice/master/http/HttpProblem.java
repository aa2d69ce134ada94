package io.sluice.master.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request the listener refuses, with the status and a message that names the problem
 * (becomes {@code {"code": ..., "error": "..."}}). No stack trace: it is an answer, not a bug.
 */
final class HttpProblem extends RuntimeException {

    private final HttpResponseStatus status;

    HttpProblem(HttpResponseStatus status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    HttpResponseStatus status() {
        return status;
    }

    static HttpProblem badRequest(String message) {
        return new HttpProblem(HttpResponseStatus.BAD_REQUEST, message);
    }

    static HttpProblem notFound(String message) {
        return new HttpProblem(HttpResponseStatus.NOT_FOUND, message);
    }
}
