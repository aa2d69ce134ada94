package io.sluice.worker.access;

/** The answer to a connect, publish or play. */
public sealed interface Verdict {

    /**
     * Go ahead, under {@code name}: the one asked for, or the one a hook renamed it to (null for
     * connect, which names no stream).
     *
     * @param admission what was counted against the app's limits, to give back with
     *                  {@link AccessControl#release} when the session ends; null when nothing was
     */
    record Allowed(String name, io.sluice.common.protocol.AdmitOrder admission) implements Verdict {
        public Allowed(String name) {
            this(name, null);
        }
    }

    /** No, with the reason counted and a description the client is told (and the log line says). */
    record Refused(Refusal why, String description) implements Verdict {
    }
}
