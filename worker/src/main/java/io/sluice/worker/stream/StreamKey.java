package io.sluice.worker.stream;

/**
 * Identifies a live stream: the application from the connect command's {@code app} and the
 * stream name from publish or play, without its query string (as nginx-rtmp does, so
 * {@code key?token=x} and {@code key} are the same stream).
 */
public record StreamKey(String app, String name) {

    public StreamKey {
        if (app == null || app.isEmpty()) {
            throw new IllegalArgumentException("app must not be empty");
        }
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("stream name must not be empty");
        }
    }

    /** Parses {@code app/name}; the name may itself contain slashes. */
    public static StreamKey parse(String path) {
        int slash = path.indexOf('/');
        if (slash <= 0 || slash == path.length() - 1) {
            throw new IllegalArgumentException("expected app/name, got '" + path + "'");
        }
        return new StreamKey(path.substring(0, slash), path.substring(slash + 1));
    }

    @Override
    public String toString() {
        return app + '/' + name;
    }
}
