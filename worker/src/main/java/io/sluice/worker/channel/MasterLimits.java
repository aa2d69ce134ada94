package io.sluice.worker.channel;

import io.sluice.common.channel.ChannelPeer;
import io.sluice.common.protocol.AdmitOrder;
import io.sluice.common.protocol.WorkerProtocol;
import io.sluice.worker.access.Limits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

/**
 * The apps' limits counted at the master ({@code access.admit} / {@code access.leave}), so that
 * players per stream, streams per app and publishers per address hold across all workers.
 */
public final class MasterLimits implements Limits {

    private static final Logger log = LoggerFactory.getLogger(MasterLimits.class);

    private final ChannelPeer master;

    public MasterLimits(ChannelPeer master) {
        this.master = master;
    }

    @Override
    public CompletableFuture<String> admit(AdmitOrder order) {
        return master.request(WorkerProtocol.ADMIT, order).thenApply(r -> r.granted() ? null : r.reason());
    }

    @Override
    public void leave(AdmitOrder order) {
        master.request(WorkerProtocol.LEAVE, order).whenComplete((r, e) -> {
            if (e != null) {
                // The master drops a worker's admissions when it goes; a lost leave only happens then.
                log.debug("access.leave of {}/{} failed: {}", order.app(), order.name(), e.getMessage());
            }
        });
    }
}
