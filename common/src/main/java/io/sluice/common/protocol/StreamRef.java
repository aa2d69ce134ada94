package io.sluice.common.protocol;

/**
 * A stream by app and name: the data of {@code stream.claim}, {@code stream.release},
 * {@code stream.locate}, {@code stream.where} and of the relay notifications.
 */
public record StreamRef(String app, String name) {

    public StreamRef {
        if (app == null || app.isEmpty() || name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a stream needs an app and a name");
        }
    }

    @Override
    public String toString() {
        return app + '/' + name;
    }
}
