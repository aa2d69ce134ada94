package io.sluice.common.config;

import java.time.Duration;
import java.util.Objects;

/**
 * HTTP callbacks with nginx-rtmp's contract, for every app (section {@code hooks}); an app may
 * name its own URLs instead. See conf/sluice.yaml for each key.
 *
 * @param onConnect     URL POSTed when a client connects, or {@link #OFF}
 * @param onPublish     URL POSTed before a publish is accepted; may rename it with a 3xx
 * @param onPlay        URL POSTed before a play is accepted; may rename it with a 3xx
 * @param onPublishDone URL POSTed when a publish ends (fire and forget)
 * @param onPlayDone    URL POSTed when a play ends (fire and forget)
 * @param timeout       an answer that takes longer denies
 * @param cache         how long an allowing or renaming answer is reused for the same request; zero for never
 * @param retries       how often a done-callback is tried again after a failure
 */
public record HookSettings(String onConnect, String onPublish, String onPlay, String onPublishDone,
                           String onPlayDone, Duration timeout, Duration cache, int retries) {

    /** No hook. */
    public static final String OFF = "off";

    public HookSettings {
        Objects.requireNonNull(onConnect, "onConnect");
        Objects.requireNonNull(onPublish, "onPublish");
        Objects.requireNonNull(onPlay, "onPlay");
        Objects.requireNonNull(onPublishDone, "onPublishDone");
        Objects.requireNonNull(onPlayDone, "onPlayDone");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(cache, "cache");
    }

    /** The built-in values, the same as the shipped conf/sluice.yaml. */
    public static HookSettings defaults() {
        return new HookSettings(OFF, OFF, OFF, OFF, OFF, Duration.ofSeconds(5), Duration.ZERO, 3);
    }
}
