package io.sluice.common.protocol;

/**
 * {@code worker.ping} request data from the master's heartbeat: what the worker should know that
 * only the master can tell. {@code bin/ctl ping} sends the same method without data, which changes
 * nothing.
 *
 * @param connectionShare how many RTMP connections this worker may hold under
 *                        {@code rtmp.max_connections_total} (its own count plus its part of what
 *                        the whole server has left, as of the last heartbeats); {@link #NO_LIMIT}
 *                        when there is no such limit. 0 is a real share: admit no new connection.
 */
public record Heartbeat(int connectionShare) {

    /** The {@code connectionShare} of a server without {@code rtmp.max_connections_total}. */
    public static final int NO_LIMIT = -1;

    public Heartbeat {
        if (connectionShare < NO_LIMIT) {
            throw new IllegalArgumentException("connectionShare must be -1 (no limit) or more: " + connectionShare);
        }
    }
}
