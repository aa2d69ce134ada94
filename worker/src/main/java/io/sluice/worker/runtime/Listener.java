package io.sluice.worker.runtime;

import io.sluice.common.config.SluiceConfig;

/**
 * One way in to a worker (the RTMP port and relay endpoint; HTTP next): it accepts connections
 * on the runtime's event loops and has them tracked by the runtime's {@link Connections}. The
 * runtime tells it about reloads, drains and the end.
 */
public interface Listener {

    /** A reload's in-place settings: connections opened from now on use them. */
    void settingsChanged(SluiceConfig config);

    /**
     * Stops accepting new connections (a drain: the other workers take them); open connections
     * and anything internal to the server (relays to other workers) carry on.
     */
    void stopAccepting();

    /** Closes every listening socket for good; the connections themselves are closed by the runtime. */
    void close();
}
