package io.sluice.worker.stream;

/** GOP cache bounds (configuration keys {@code gop_cache.*}). */
public record GopSettings(boolean enabled, int maxFrames, long maxBytes) {

    public GopSettings {
        if (maxFrames < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("GOP cache bounds must be positive");
        }
    }
}
