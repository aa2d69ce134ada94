package io.sluice.master.process;

import io.sluice.common.channel.ChannelPeer;
import io.sluice.common.config.ConfigException;
import io.sluice.common.config.ConfigLoader;
import io.sluice.common.config.SluiceConfig;
import io.sluice.common.protocol.WorkerIdentity;
import io.sluice.common.protocol.WorkerProtocol;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A supervisor on a {@link ManualLoop} whose workers are {@link FakeProcess}es: the test decides
 * when each identifies, runs and exits, and moves the clock.
 */
final class FakeCluster {

    final ManualLoop loop = new ManualLoop();
    final List<FakeProcess> processes = new ArrayList<>();
    final List<WorkerHandle> gone = new ArrayList<>();
    final Supervisor supervisor;
    /** How each new process behaves, by generation: whether it ignores SIGTERM. */
    Function<Integer, Boolean> ignoresTerm = generation -> false;

    FakeCluster(String yaml) throws ConfigException {
        supervisor = new Supervisor(loop, this::launch, config(yaml), this::exited, gone::add,
                (id, generation) -> "/tmp/worker-" + id + ".g" + generation + ".sock");
    }

    static SluiceConfig config(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "test");
    }

    private Process launch(int id, int generation, List<String> jvmOptions) {
        FakeProcess p = new FakeProcess(ignoresTerm.apply(generation));
        processes.add(p);
        return p;
    }

    private void exited(WorkerExit exit) {
        loop.execute(() -> supervisor.reap(exit));
    }

    /** The worker of the given slot and generation that lives, or null. */
    WorkerHandle worker(int id, int generation) {
        return supervisor.workers().stream().filter(h -> h.id() == id && h.generation() == generation).findFirst()
                .orElse(null);
    }

    /** Identifies {@code h} over a channel peer (not connected) and announces it running. */
    void run(WorkerHandle h) {
        run(h, new ChannelPeer("worker", WorkerProtocol.PROTOCOL, Duration.ofSeconds(5)));
    }

    void run(WorkerHandle h, ChannelPeer peer) {
        supervisor.identify(peer, new WorkerIdentity(h.id(), h.generation(), h.pid(), 0, null));
        supervisor.running(new WorkerIdentity(h.id(), h.generation(), h.pid(), 1935, "/tmp/relay-" + h.pid()));
        loop.runPending();
    }

    /** Runs every live worker that has not reported running yet. */
    void runAll() {
        loop.runPending();
        for (WorkerHandle h : supervisor.workers()) {
            if (h.state() == WorkerHandle.State.SPAWNED) {
                run(h);
            }
        }
    }

    /** Ends the process of {@code h} with {@code code} and lets the loop reap it. */
    void exit(WorkerHandle h, int code) {
        ((FakeProcess) h.process).exit(code);
        loop.runPending();
    }

    FakeProcess process(WorkerHandle h) {
        return (FakeProcess) h.process;
    }
}
