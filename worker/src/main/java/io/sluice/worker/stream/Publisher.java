package io.sluice.worker.stream;

/** The source of a live stream: a publishing connection, or a relay from another worker. */
public interface Publisher {

    /** Where the stream comes from, for logs and the control CLI (e.g. "127.0.0.1:51234"). */
    String origin();

    /** Ends the publishing session, e.g. when an operator kicks it or the stream is closed. */
    void close(String reason);

    /**
     * True for a relay: it stands in for a publisher on another worker, and a publisher that
     * connects here with the master's grant for the name replaces it.
     */
    default boolean standsIn() {
        return false;
    }
}
