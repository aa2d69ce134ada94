package io.sluice.master.control;

import io.sluice.common.config.SluiceConfig;
import io.sluice.common.protocol.WorkerLoad;
import io.sluice.common.protocol.control.StatusView;
import io.sluice.common.protocol.control.SummaryView;
import io.sluice.master.process.Supervisor;
import io.sluice.master.process.WorkerHandle;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code master.status} answer ({@code bin/ctl status} and {@code workers}), computed once
 * here for every view of it. On the master loop.
 */
public final class StatusViews {

    private StatusViews() {
    }

    /** The master and its workers, as of now. */
    public static StatusView of(Supervisor supervisor, long uptimeMillis, Path configFile) {
        long now = System.nanoTime();
        List<StatusView.WorkerView> workers = new ArrayList<>();
        for (WorkerHandle w : supervisor.workers()) {
            WorkerLoad l = w.load() == null ? new WorkerLoad(0, 0, 0, 0, 0, 0, 0, false, 0, 0, null) : w.load();
            workers.add(new StatusView.WorkerView(w.id(), w.pid(), w.generation(),
                    w.state().name().toLowerCase(Locale.ROOT), w.runningMillis(now), l.connections(), l.publishers(),
                    l.players(), l.playersByProtocol(), l.streams(), l.bytesIn(), l.bytesOut(), l.heapUsed(), w.rttMicros(50), w.rttMicros(99),
                    l.refused(), l.denied()));
        }
        SluiceConfig c = supervisor.config();
        return new StatusView(ProcessHandle.current().pid(), uptimeMillis, supervisor.generation(), configFile.toString(),
                c.rtmp().bind(), c.rtmp().port(), c.http().enabled() ? c.http().bind() + ":" + c.http().port() : null,
                workers, supervisor.givenUp());
    }

    /** Totals of a status ({@code GET /api/v1/summary}); {@code streams} from the directory. */
    public static SummaryView summary(StatusView status, int streams, String version) {
        int connections = 0;
        int publishers = 0;
        int players = 0;
        long bytesIn = 0;
        long bytesOut = 0;
        long refused = 0;
        for (StatusView.WorkerView w : status.workers()) {
            connections += w.connections();
            publishers += w.publishers();
            players += w.players();
            bytesIn += w.bytesIn();
            bytesOut += w.bytesOut();
            refused += w.refused();
        }
        return new SummaryView(version, status.pid(), status.uptimeMillis(), status.generation(), status.workers().size(),
                streams, connections, publishers, players, bytesIn, bytesOut, refused, status.http());
    }
}
