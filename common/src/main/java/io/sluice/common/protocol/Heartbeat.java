package io.sluice.common.protocol;

/**
 * {@code worker.ping} request data from the master's heartbeat: what the worker should know that
 * only the master can tell. {@code bin/ctl ping} sends the same method without data, which changes
 * nothing.
 *
 * @param connectionShare how many RTMP connections this worker may hold under
 *                        {@code rtmp.max_connections_total} (its own count plus its part of what
 *                        the whole server has left, as of the last heartbeats); 0 = no such limit
 */
public record Heartbeat(int connectionShare) {

    public Heartbeat {
        if (connectionShare < 0) {
            throw new IllegalArgumentException("connectionShare must not be negative: " + connectionShare);
        }
    }
}
