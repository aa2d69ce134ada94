package io.sluice.common.protocol;

/**
 * A client session by its id (as {@code bin/ctl clients} shows it): the data of
 * {@code client.kick}, from the control socket to the master and from the master to each worker.
 */
public record ClientRef(String id) {

    public ClientRef {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a client id is needed (see bin/ctl clients)");
        }
    }
}
