package io.sluice.worker.hls;

import io.sluice.worker.stream.StreamKey;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where a stream's HLS files are, under the HLS root: the multivariant playlist at
 * {@code <root>/<app>/<name>.m3u8} and, in the directory {@code <root>/<app>/<name>/}, the media
 * playlist {@value #MEDIA_PLAYLIST} and the segments. The URL path of a file is its path under
 * the root, so {@code /live/x.m3u8} (SRS's URL) is the multivariant playlist and any worker can
 * serve any file without knowing the stream.
 *
 * <p>Temporary files start with a dot and end in {@value #TEMP_SUFFIX}: never served.
 */
public final class HlsLayout {

    /** File name of the media playlist in a stream's directory. */
    public static final String MEDIA_PLAYLIST = "index.m3u8";
    public static final String PLAYLIST_SUFFIX = ".m3u8";
    /** MPEG-TS segments. */
    public static final String SEGMENT_SUFFIX = ".ts";
    /** Fragmented MP4 segments and Low-Latency HLS parts. */
    public static final String FMP4_SEGMENT_SUFFIX = ".m4s";
    /** Fragmented MP4 init segments ({@code EXT-X-MAP}). */
    public static final String INIT_SUFFIX = ".mp4";
    static final String TEMP_SUFFIX = ".tmp";

    /** Whether a file name is one of the media files a stream directory holds: segments, parts, init segments. */
    public static boolean isMediaFile(String name) {
        return name.endsWith(SEGMENT_SUFFIX) || name.endsWith(FMP4_SEGMENT_SUFFIX) || name.endsWith(INIT_SUFFIX);
    }

    private HlsLayout() {
    }

    /**
     * The directory of {@code key}'s files, or null when its name cannot be a path under the
     * root (an empty, {@code .} or {@code ..} segment, a backslash, a control character, or a
     * last segment that ends in a served suffix): such a stream is not segmented.
     */
    public static Path streamDir(Path root, StreamKey key) {
        String[] parts = (key.app() + "/" + key.name()).split("/", -1);
        for (String part : parts) {
            if (part.isEmpty() || part.equals(".") || part.equals("..") || part.length() > 255) {
                return null;
            }
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                if (c < 0x20 || c == 0x7f || c == '\\') {
                    return null;
                }
            }
        }
        String last = parts[parts.length - 1];
        if (last.endsWith(PLAYLIST_SUFFIX) || isMediaFile(last) || last.startsWith(".")) {
            return null;
        }
        Path dir = root.resolve(key.app()).resolve(key.name()).normalize();
        return dir.startsWith(root) && !dir.equals(root) ? dir : null;
    }

    /** The multivariant playlist beside a stream's directory. */
    static Path multivariant(Path dir) {
        return dir.resolveSibling(dir.getFileName() + PLAYLIST_SUFFIX);
    }

    /** The media playlist's URI as the multivariant playlist names it: relative, percent-encoded. */
    static String mediaPlaylistUri(Path dir) {
        String name = URLEncoder.encode(dir.getFileName().toString(), StandardCharsets.UTF_8).replace("+", "%20");
        return name + "/" + MEDIA_PLAYLIST;
    }
}
