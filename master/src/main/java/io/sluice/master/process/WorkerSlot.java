package io.sluice.master.process;

import java.util.concurrent.ScheduledFuture;

/**
 * A place for one worker in a generation: the process currently filling it, its respawn policy,
 * and whether the master gave up on it (crash loop, or a bad configuration that a respawn cannot
 * fix). Used on the master loop only.
 */
final class WorkerSlot {

    final int id;
    final int generation;
    final RespawnPolicy respawn;
    WorkerHandle worker;
    ScheduledFuture<?> pendingRespawn;
    /** Why the slot is no longer respawned, or null. */
    String givenUp;

    WorkerSlot(int id, int generation, RespawnPolicy respawn) {
        this.id = id;
        this.generation = generation;
        this.respawn = respawn;
    }
}
