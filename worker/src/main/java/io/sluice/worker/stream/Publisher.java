package io.sluice.worker.stream;

/** The source of a live stream: a publishing connection, or a relay from another worker. */
public interface Publisher {

    /** Where the stream comes from, for logs and the control CLI (e.g. "127.0.0.1:51234"). */
    String origin();

    /** Ends the publishing session, e.g. when an operator kicks it or the stream is closed. */
    void close(String reason);
}
