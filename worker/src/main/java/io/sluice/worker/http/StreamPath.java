package io.sluice.worker.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.sluice.worker.stream.StreamKey;

import java.nio.charset.StandardCharsets;

/**
 * The stream a request's path names: {@code /{app}/{name}.flv}, percent-decoded, the query string
 * ignored (tokens for a future auth hook, as RTMP's {@code name?token=x}). As with RTMP the
 * app is the first segment and the name the rest, so {@code /live/a/b.flv} is {@code live/a/b}.
 *
 * <p>Two kinds of "no": a path that cannot name a stream (another shape: 404) and one that is
 * malformed or hostile ({@code ..} or {@code .} segments, control characters, a backslash,
 * broken percent-encoding, too long: {@link BadPath}, 400).
 */
record StreamPath(StreamKey key) {

    /** Longest app accepted. */
    static final int MAX_APP_LENGTH = 256;
    /** Longest stream name accepted, as for RTMP play. */
    static final int MAX_NAME_LENGTH = 1024;
    private static final String SUFFIX = ".flv";

    /** A request path that is malformed or could be an attack; answered 400. */
    static final class BadPath extends Exception {
        BadPath(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The stream {@code uri} names, or null when its path has another shape (404).
     *
     * @throws BadPath when the path is malformed or hostile (400)
     */
    static StreamPath parse(String uri) throws BadPath {
        String raw = new QueryStringDecoder(uri).rawPath();
        if (!raw.startsWith("/")) {
            throw new BadPath("the path does not start with /");
        }
        String[] segments = raw.substring(1).split("/", -1);
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < segments.length; i++) {
            String s = decode(segments[i]);
            if (s.equals("..") || s.equals(".")) {
                throw new BadPath("the path has a '" + s + "' segment");
            }
            for (int j = 0; j < s.length(); j++) {
                char c = s.charAt(j);
                if (c < 0x20 || c == 0x7f || c == '\\' || c == '/') {
                    throw new BadPath("the path has a control character, a backslash or an encoded slash");
                }
            }
            if (i > 0) {
                if (name.length() > 0) {
                    name.append('/');
                }
                name.append(s);
            }
            segments[i] = s;
        }
        if (segments.length < 2 || segments[0].isEmpty() || !raw.endsWith(SUFFIX)) {
            return null;
        }
        for (String s : segments) {
            if (s.isEmpty()) {
                return null;
            }
        }
        String stream = name.substring(0, name.length() - SUFFIX.length());
        if (stream.isEmpty() || stream.endsWith("/")) {
            return null;
        }
        if (segments[0].length() > MAX_APP_LENGTH || stream.length() > MAX_NAME_LENGTH) {
            throw new BadPath("the app or stream name is too long");
        }
        return new StreamPath(new StreamKey(segments[0], stream));
    }

    /** Percent-decodes one path segment ('+' is a plus in a path, not a space). */
    private static String decode(String segment) throws BadPath {
        try {
            return QueryStringDecoder.decodeComponent(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadPath("the path has a broken percent-encoding");
        }
    }
}
