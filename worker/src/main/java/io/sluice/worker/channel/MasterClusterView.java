package io.sluice.worker.channel;

import io.sluice.common.channel.ChannelPeer;
import io.sluice.common.protocol.StreamLocation;
import io.sluice.common.protocol.StreamRef;
import io.sluice.common.protocol.WorkerProtocol;
import io.sluice.worker.relay.RelayDirectory;
import io.sluice.worker.relay.RelayManager;
import io.sluice.worker.stream.LiveStream;
import io.sluice.worker.stream.ClusterView;
import io.sluice.worker.stream.StreamKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionStage;

/**
 * The cluster as a managed worker sees it: claims, releases and locates go to the master's
 * stream directory over the channel; streams published elsewhere reach local players through
 * relays, which the master's notifications wake.
 */
public final class MasterClusterView implements ClusterView, RelayDirectory {

    private static final Logger log = LoggerFactory.getLogger(MasterClusterView.class);

    private final ChannelPeer master;
    private RelayManager relays;

    public MasterClusterView(ChannelPeer master) {
        this.master = master;
    }

    /** The apps' limits, counted at the master for all workers. */
    public MasterLimits limits() {
        return new MasterLimits(master);
    }

    /** Wires the relays, and the master's notifications to them. Call once, before serving. */
    public void relays(RelayManager relays) {
        this.relays = relays;
        master.onNotification(WorkerProtocol.PUBLISHED, (location, target) -> relays.published(location));
        master.onNotification(WorkerProtocol.UNPUBLISHED, (gone, target) -> relays.unpublished(gone));
    }

    private static StreamRef ref(StreamKey key) {
        return new StreamRef(key.app(), key.name());
    }

    @Override
    public CompletionStage<Claim> claim(StreamKey key) {
        return master.request(WorkerProtocol.CLAIM, ref(key)).thenApply(reply ->
                reply.granted() ? Claim.GRANTED : Claim.TAKEN);
    }

    @Override
    public void release(StreamKey key) {
        master.request(WorkerProtocol.RELEASE, ref(key)).whenComplete((r, e) -> {
            if (e != null) {
                log.debug("stream.release of {} failed: {}", key, e.getMessage());
            }
        });
    }

    @Override
    public void needPublisher(LiveStream stream) {
        relays.needPublisher(stream);
    }

    @Override
    public CompletionStage<StreamLocation> locate(StreamKey key) {
        return master.request(WorkerProtocol.LOCATE, ref(key));
    }

    @Override
    public void relayOpened(StreamKey key) {
        master.notify(WorkerProtocol.RELAY_OPENED, null, ref(key));
    }

    @Override
    public void relayClosed(StreamKey key) {
        master.notify(WorkerProtocol.RELAY_CLOSED, null, ref(key));
    }

    @Override
    public void waitCancelled(StreamKey key) {
        master.notify(WorkerProtocol.WAIT_CANCELLED, null, ref(key));
    }
}
