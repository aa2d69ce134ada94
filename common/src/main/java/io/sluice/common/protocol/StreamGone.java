package io.sluice.common.protocol;

/**
 * {@code stream.unpublished} data: a stream's owner died, so its name is free again. Names the
 * owner that is gone (worker ids are reused by replacements; the relay endpoint is not), so that a
 * relay that already follows a new owner of the name is left alone.
 *
 * @param worker   the id of the worker that published it
 * @param endpoint that worker's relay endpoint
 */
public record StreamGone(String app, String name, int worker, String endpoint) {

    public StreamRef ref() {
        return new StreamRef(app, name);
    }
}
