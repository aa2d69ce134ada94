package io.sluice.worker.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.sluice.worker.hls.HlsLayout;
import io.sluice.worker.stream.StreamKey;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * An HLS file a request names: {@code /{app}/{name}.m3u8} (the multivariant playlist),
 * {@code /{app}/{name}/index.m3u8} and {@code /{app}/{name}/*.ts}, percent-decoded, as a path
 * under the HLS root ({@link HlsLayout}); the raw query string is kept to be carried onto the
 * URIs of a playlist (tokens).
 *
 * <p>Never a file outside the root: a {@code .} or {@code ..} segment (encoded or not), an
 * encoded slash, a backslash, a control character, a segment starting with a dot or broken
 * percent-encoding is {@link StreamPath.BadPath} (400); the resolved path is checked to be under
 * the root as well.
 *
 * @param file     the file under the root
 * @param playlist a playlist (else a segment)
 * @param query    the raw query string, empty for none
 */
record HlsPath(Path file, boolean playlist, String query) {

    /** Longest path accepted, in characters after decoding. */
    static final int MAX_PATH = 2048;

    /**
     * The stream this file belongs to, for the access checks: {@code /{app}/{name}.m3u8} names it
     * directly; a media playlist or segment lies in the stream's directory {@code /{app}/{name}/}.
     */
    StreamKey stream(Path root) {
        Path relative = root.relativize(file);
        int n = relative.getNameCount();
        String last = relative.getFileName().toString();
        boolean inStreamDirectory = !playlist || last.equals(HlsLayout.MEDIA_PLAYLIST);
        StringBuilder name = new StringBuilder();
        int end = inStreamDirectory ? n - 1 : n;
        for (int i = 1; i < end; i++) {
            if (name.length() > 0) {
                name.append('/');
            }
            String part = relative.getName(i).toString();
            name.append(i == n - 1 ? part.substring(0, part.length() - HlsLayout.PLAYLIST_SUFFIX.length()) : part);
        }
        return new StreamKey(relative.getName(0).toString(), name.toString());
    }

    /** True when {@code uri}'s path ends the way HLS files do (checked before anything else). */
    static boolean isHls(String uri) {
        String path = new QueryStringDecoder(uri).rawPath();
        return path.endsWith(HlsLayout.PLAYLIST_SUFFIX) || HlsLayout.isMediaFile(path);
    }

    /**
     * @throws StreamPath.BadPath when the path is malformed or hostile (400)
     */
    static HlsPath parse(String uri, Path root) throws StreamPath.BadPath {
        QueryStringDecoder decoder = new QueryStringDecoder(uri);
        String raw = decoder.rawPath();
        if (!raw.startsWith("/")) {
            throw new StreamPath.BadPath("the path does not start with /");
        }
        String[] segments = raw.substring(1).split("/", -1);
        if (segments.length < 2) {
            throw new StreamPath.BadPath("an HLS path is /APP/NAME.m3u8");
        }
        Path file = root;
        int length = 0;
        for (String segment : segments) {
            String s;
            try {
                s = QueryStringDecoder.decodeComponent(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new StreamPath.BadPath("the path has a broken percent-encoding");
            }
            if (s.isEmpty() || s.startsWith(".")) {
                throw new StreamPath.BadPath("the path has an empty segment or one starting with a dot");
            }
            for (int j = 0; j < s.length(); j++) {
                char c = s.charAt(j);
                if (c < 0x20 || c == 0x7f || c == '\\' || c == '/') {
                    throw new StreamPath.BadPath("the path has a control character, a backslash or an encoded slash");
                }
            }
            length += s.length() + 1;
            if (length > MAX_PATH) {
                throw new StreamPath.BadPath("the path is too long");
            }
            file = file.resolve(s);
        }
        file = file.normalize();
        if (!file.startsWith(root) || file.equals(root)) {
            throw new StreamPath.BadPath("the path leaves the HLS directory");
        }
        boolean playlist = file.getFileName().toString().endsWith(HlsLayout.PLAYLIST_SUFFIX);
        String query = decoder.rawQuery();
        return new HlsPath(file, playlist, query == null ? "" : query);
    }

    /**
     * A playlist with {@code query} appended to every URI (RFC 8216, 4.1: a line not starting
     * with # is a URI; and the {@code URI="..."} attributes of {@code EXT-X-MAP}, {@code
     * EXT-X-PART} and {@code EXT-X-PRELOAD-HINT}), so a token on the playlist request reaches
     * every segment, part and init segment. The blocking-reload directives ({@code _HLS_*}) are
     * the player's own and are not carried.
     */
    static String withQuery(String playlist, String query) {
        query = withoutDirectives(query);
        if (query.isEmpty()) {
            return playlist;
        }
        StringBuilder s = new StringBuilder(playlist.length() + 64);
        for (String line : playlist.split("\n", -1)) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                s.append(line).append(line.indexOf('?') < 0 ? '?' : '&').append(query);
            } else {
                int at = line.startsWith("#") ? line.indexOf("URI=\"") : -1;
                int end = at < 0 ? -1 : line.indexOf('"', at + 5);
                if (end > 0) {
                    String uri = line.substring(at + 5, end);
                    s.append(line, 0, at + 5).append(uri).append(uri.indexOf('?') < 0 ? '?' : '&').append(query)
                            .append(line, end, line.length());
                } else {
                    s.append(line);
                }
            }
            s.append('\n');
        }
        s.setLength(s.length() - 1);
        return s.toString();
    }

    /** The value of the first parameter {@code name} in {@code query}, null when it is not there. */
    static String parameter(String query, String name) {
        List<String> values = new QueryStringDecoder(query, false).parameters().get(name);
        return values == null ? null : values.get(0);
    }

    /** {@code query} without the {@code _HLS_} parameters (RFC 8216bis 6.2.5). */
    static String withoutDirectives(String query) {
        if (!query.contains("_HLS_")) {
            return query;
        }
        StringBuilder s = new StringBuilder(query.length());
        for (String param : query.split("&")) {
            if (!param.isEmpty() && !param.startsWith("_HLS_")) {
                if (!s.isEmpty()) {
                    s.append('&');
                }
                s.append(param);
            }
        }
        return s.toString();
    }
}
