package io.sluice.master.process;

import io.sluice.common.protocol.WorkerLoad;

/** Worker handles without a supervisor, for tests of the classes that only look at them. */
public final class TestWorkers {

    private TestWorkers() {
    }

    /** A running worker {@code id} of {@code generation} on a stand-in process, with this relay endpoint. */
    public static WorkerHandle running(int id, int generation, String relayEndpoint) {
        WorkerSlot slot = new WorkerSlot(id, generation);
        WorkerHandle h = new WorkerHandle(slot, new FakeProcess(), 1);
        slot.worker = h;
        h.state = WorkerHandle.State.RUNNING;
        h.relayEndpoint = relayEndpoint;
        return h;
    }

    /** A worker in {@code state} whose last heartbeat said it holds {@code connections}. */
    static WorkerHandle withConnections(int id, WorkerHandle.State state, int connections) {
        WorkerHandle h = running(id, 1, null);
        h.state = state;
        h.load = new WorkerLoad(connections, 0, 0, 0, 0, 0, 0, state == WorkerHandle.State.DRAINING, 0, connections,
                null);
        return h;
    }

    /** Gives {@code h} a channel peer, as identify does, so the master's notifications reach it. */
    public static void attach(WorkerHandle h, io.sluice.common.channel.ChannelPeer peer) {
        h.peer = peer;
    }
}
