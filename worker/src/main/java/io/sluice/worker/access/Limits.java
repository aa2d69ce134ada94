package io.sluice.worker.access;

import io.sluice.common.protocol.AdmitOrder;

import java.util.concurrent.CompletableFuture;

/**
 * Where admissions are counted against the apps' limits: the master for a managed worker (so a
 * limit holds across workers), the worker itself without one ({@link LocalLimits}).
 */
public interface Limits {

    /** Completes with null when admitted, else with the reason; exceptionally when it could not be asked. */
    CompletableFuture<String> admit(AdmitOrder order);

    /** The session admitted with {@code order} ended. */
    void leave(AdmitOrder order);
}
