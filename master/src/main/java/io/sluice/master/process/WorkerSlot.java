package io.sluice.master.process;

/**
 * A place for one worker in a generation: the process currently filling it, its failures, and
 * whether it is still respawned. A slot stops being respawned when the master gives up on it
 * (crash loop, or a bad configuration a respawn cannot fix) or when its generation is retired
 * (replaced by a reload, rolled back, or the server stops). Used on the master loop only.
 */
final class WorkerSlot {

    final int id;
    final int generation;
    final RespawnPolicy respawn = new RespawnPolicy();
    WorkerHandle worker;
    MasterLoop.Cancellable pendingRespawn;
    /** Why the master gave up on the slot, or null. */
    String givenUp;
    /** The worker exited with the bad-configuration code. */
    boolean badConfig;
    /** Its generation is no longer served: the worker's exit is expected and not respawned. */
    boolean retired;

    WorkerSlot(int id, int generation) {
        this.id = id;
        this.generation = generation;
    }

    boolean respawns() {
        return !retired && givenUp == null;
    }

    /** Not respawned any more; a respawn waiting for its backoff is called off. */
    void retire() {
        retired = true;
        cancelRespawn();
    }

    void cancelRespawn() {
        if (pendingRespawn != null) {
            pendingRespawn.cancel();
            pendingRespawn = null;
        }
    }

    /** The worker filling the slot runs and serves. */
    boolean running() {
        return worker != null && worker.state == WorkerHandle.State.RUNNING;
    }
}
