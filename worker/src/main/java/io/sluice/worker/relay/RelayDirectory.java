package io.sluice.worker.relay;

import io.sluice.common.protocol.StreamLocation;
import io.sluice.worker.stream.StreamKey;

import java.util.concurrent.CompletionStage;

/** What relays ask of the master: where a stream is, and what the master should know of relays. */
public interface RelayDirectory {

    /**
     * Where {@code key} is published. When nobody publishes it, the answer says so and this
     * worker is told later through {@link RelayManager#published}.
     */
    CompletionStage<StreamLocation> locate(StreamKey key);

    void relayOpened(StreamKey key);

    void relayClosed(StreamKey key);

    /**
     * No player here waits for {@code key} any more (its relay closed before the stream was
     * found): the master forgets that this worker waits for it.
     */
    void waitCancelled(StreamKey key);
}
