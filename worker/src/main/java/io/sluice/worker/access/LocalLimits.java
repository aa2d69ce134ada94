package io.sluice.worker.access;

import io.sluice.common.access.AdmissionLedger;
import io.sluice.common.config.AppSettings;
import io.sluice.common.protocol.AdmitOrder;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Limits counted in this worker alone: for a worker without a master (tests, tools). */
public final class LocalLimits implements Limits {

    private final AdmissionLedger ledger = new AdmissionLedger();
    private final Supplier<Map<String, AppSettings>> apps;

    public LocalLimits(Supplier<Map<String, AppSettings>> apps) {
        this.apps = apps;
    }

    @Override
    public synchronized CompletableFuture<String> admit(AdmitOrder order) {
        AppSettings limits = apps.get().get(order.app());
        if (limits == null) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.completedFuture(ledger.admit("local", order.ticket(),
                order.kind().equals("publish") ? AdmissionLedger.Kind.PUBLISH : AdmissionLedger.Kind.PLAY,
                order.app(), order.name(), order.addr(), limits));
    }

    @Override
    public synchronized void leave(AdmitOrder order) {
        ledger.leave("local", order.ticket());
    }
}
