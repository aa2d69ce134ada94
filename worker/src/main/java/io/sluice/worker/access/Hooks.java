package io.sluice.worker.access;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one hook: a form POST, answered with a status and maybe a Location. The future fails
 * when no answer came (refused connection, timeout, something that is not HTTP). A seam for
 * tests; {@link HttpHooks} is the real one.
 */
@FunctionalInterface
public interface Hooks {

    /** What the back-end answered. */
    record Answer(int status, String location) {
    }

    CompletableFuture<Answer> post(String url, Map<String, String> form, Duration timeout);
}
