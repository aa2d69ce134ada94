package io.sluice.master.directory;

import io.sluice.common.access.AdmissionLedger;
import io.sluice.common.config.AppSettings;
import io.sluice.common.protocol.AdmitOrder;
import io.sluice.common.protocol.AdmitReply;
import io.sluice.master.process.WorkerHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The server-wide count of publishers and players for apps that set a limit (issue 15): every
 * worker asks here before it admits one ({@code access.admit}) and gives the ticket back when the
 * session ends ({@code access.leave}); a worker's death gives back all of its tickets. The limits
 * are read from the current configuration at each admission, so a reload applies to the next
 * one and never to sessions already admitted. Used on the master loop only.
 */
public final class Admissions {

    private static final Logger log = LoggerFactory.getLogger(Admissions.class);

    private final AdmissionLedger ledger = new AdmissionLedger();
    private final Supplier<Map<String, AppSettings>> apps;
    private long refused;

    public Admissions(Supplier<Map<String, AppSettings>> apps) {
        this.apps = apps;
    }

    /** {@code access.admit} from {@code worker}. */
    public AdmitReply admit(WorkerHandle worker, AdmitOrder order) {
        AppSettings limits = apps.get().get(order.app());
        if (limits == null) {
            // The worker still had an app a reload removed: its sessions are not counted.
            return new AdmitReply(true, "");
        }
        AdmissionLedger.Kind kind = order.kind().equals("publish") ? AdmissionLedger.Kind.PUBLISH
                : AdmissionLedger.Kind.PLAY;
        String reason = ledger.admit(worker, order.ticket(), kind, order.app(), order.name(), order.addr(), limits);
        if (reason != null) {
            refused++;
            log.info("{} of {}/{} from {} refused on worker {}: {}", order.kind(), order.app(), order.name(),
                    order.addr(), worker.id(), reason);
            return new AdmitReply(false, reason);
        }
        return new AdmitReply(true, "");
    }

    /** {@code access.leave}: the session admitted with the order's ticket ended. */
    public void leave(WorkerHandle worker, AdmitOrder order) {
        ledger.leave(worker, order.ticket());
    }

    /** A worker exited: its admissions end with it (a worker of another generation with the same id keeps its own). */
    public void workerGone(WorkerHandle worker) {
        ledger.ownerGone(worker);
    }

    /** Sessions refused over a limit since the master started. */
    public long refusedCount() {
        return refused;
    }

    /** Players of {@code app/name} counted now, on all workers. */
    public int players(String stream) {
        return ledger.players(stream);
    }
}
