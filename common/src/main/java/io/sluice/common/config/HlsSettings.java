package io.sluice.common.config;

import java.time.Duration;
import java.util.Objects;

/**
 * HLS (section {@code hls}): the worker that owns a published stream cuts it into segments and
 * playlists on disk, and every worker's HTTP port serves them. Ranges are checked when the
 * configuration is loaded; see conf/sluice.yaml for each key.
 *
 * @param enabled whether published streams are segmented (streams published after a reload follow it)
 * @param segment shortest segment: a segment ends at the first key frame after this long
 * @param window  segments listed in the media playlist
 * @param grace   how long a segment that left the playlist stays on disk for players still fetching it
 * @param keep    how long a stream's files stay after its publisher left (a republish continues them)
 * @param format  {@code fmp4} (fragmented MP4 with an init segment) or {@code mpegts}
 * @param lowLatency Low-Latency HLS (parts, preload hints, blocking playlist reload); fMP4 only
 * @param part    Low-Latency HLS part target: a part lasts at most this long
 * @param deltaUpdates Low-Latency HLS playlist delta updates ({@code CAN-SKIP-UNTIL}, {@code _HLS_skip})
 * @param path    directory of the segments, {@code auto} for {@code <run_dir>/hls}
 */
public record HlsSettings(boolean enabled, Duration segment, int window, Duration grace, Duration keep,
                          String format, boolean lowLatency, Duration part, boolean deltaUpdates, String path) {

    /** {@link #path} value that means {@code <run_dir>/hls}. */
    public static final String AUTO_PATH = "auto";
    /** {@link #format} of fragmented MP4. */
    public static final String FORMAT_FMP4 = "fmp4";
    /** {@link #format} of MPEG-TS. */
    public static final String FORMAT_MPEGTS = "mpegts";

    public HlsSettings {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(grace, "grace");
        Objects.requireNonNull(keep, "keep");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(part, "part");
        Objects.requireNonNull(path, "path");
    }

    /** The built-in values, the same as the shipped conf/sluice.yaml. */
    public static HlsSettings defaults() {
        return new HlsSettings(true, Duration.ofSeconds(2), 6, Duration.ofSeconds(30), Duration.ofSeconds(60),
                FORMAT_FMP4, true, Duration.ofMillis(200), false, AUTO_PATH);
    }
}
