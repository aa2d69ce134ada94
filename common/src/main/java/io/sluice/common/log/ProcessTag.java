package io.sluice.common.log;

/**
 * Which process wrote a log line: {@code master[4711]} or {@code worker-2.g1[4790]} (worker id
 * 2 of generation 1). Master and workers log to the same place, so every line carries it; the
 * Logback pattern shows it through {@link ProcessTagConverter} ({@code %proc}).
 */
public final class ProcessTag {

    private static volatile String tag = "sluice[" + ProcessHandle.current().pid() + ']';

    private ProcessTag() {
    }

    /** Sets the role part (e.g. "master", "worker-2.g1"); the pid is added. Call before logging starts. */
    public static void set(String role) {
        tag = role + '[' + ProcessHandle.current().pid() + ']';
    }

    public static String get() {
        return tag;
    }
}
