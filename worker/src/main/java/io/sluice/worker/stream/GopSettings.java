package io.sluice.worker.stream;

import io.sluice.common.config.GopCacheSettings;

/** GOP cache bounds (configuration keys {@code gop_cache.*}). */
public record GopSettings(boolean enabled, int maxFrames, long maxBytes) {

    public static GopSettings from(GopCacheSettings config) {
        return new GopSettings(config.enabled(), config.maxFrames(), config.maxBytes());
    }

    public GopSettings {
        if (maxFrames < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("GOP cache bounds must be positive");
        }
    }
}
