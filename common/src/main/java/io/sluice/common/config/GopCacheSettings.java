package io.sluice.common.config;

/**
 * The per-stream cache of the current group of pictures, so a new player starts on a keyframe
 * at once (section {@code gop_cache}). Past either bound the cache is dropped until the next
 * keyframe.
 *
 * @param enabled   whether streams keep a GOP cache at all
 * @param maxFrames audio and video messages kept at most
 * @param maxBytes  payload bytes kept at most
 */
public record GopCacheSettings(boolean enabled, int maxFrames, int maxBytes) {

    /** The built-in values, the same as the shipped conf/sluice.yaml. */
    public static GopCacheSettings defaults() {
        return new GopCacheSettings(true, 2048, 32 << 20);
    }
}
