package io.sluice.master.process;

import io.sluice.common.config.SluiceConfig;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One generation of workers as a value: its number, the configuration its workers run with, its
 * slots, and {@code up}, which completes once every slot runs or was given up (see
 * {@link StartResult}) and fails when none runs ({@link GenerationFailed}).
 *
 * <p>The supervisor holds the current generation and, during a reload, the next one beside it.
 * Promoting the next one replaces the value; a rollback drops the next one and keeps the current
 * value, which was never touched, so there is nothing to restore. A reload applied in place makes
 * a new value with the new configuration ({@link #withConfig}) over the same slots.
 */
record Generation(int number, SluiceConfig config, List<WorkerSlot> slots, CompletableFuture<StartResult> up) {

    Generation {
        slots = List.copyOf(slots);
    }

    /** Generation 0: no workers yet, the configuration the master started with. */
    static Generation none(SluiceConfig config) {
        return new Generation(0, config, List.of(), new CompletableFuture<>());
    }

    Generation withConfig(SluiceConfig next) {
        return new Generation(number, next, slots, up);
    }

    /** Completes {@link #up} once no slot is still starting: each runs or was given up. */
    void settle() {
        if (up.isDone() || !slots.stream().allMatch(s -> s.running() || s.givenUp != null)) {
            return;
        }
        StartResult result = StartResult.of(this);
        if (result.running() == 0) {
            up.completeExceptionally(new GenerationFailed(result));
        } else {
            up.complete(result);
        }
    }
}
