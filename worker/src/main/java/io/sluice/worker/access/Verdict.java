package io.sluice.worker.access;

/** The answer to a connect, publish or play. */
public sealed interface Verdict {

    /**
     * Go ahead, under {@code name}: the one asked for, or the one a hook renamed it to (null for
     * connect, which names no stream).
     */
    record Allowed(String name) implements Verdict {
    }

    /** No, with the reason counted and a description the client is told (and the log line says). */
    record Refused(Refusal why, String description) implements Verdict {
    }
}
