package io.sluice.master.cli;

import io.sluice.common.config.ConfigDiff;
import io.sluice.common.protocol.control.ClientView;
import io.sluice.common.protocol.control.KickResult;
import io.sluice.common.protocol.control.ReloadReport;
import io.sluice.common.protocol.control.StatusView;
import io.sluice.common.protocol.control.StreamView;
import io.sluice.common.protocol.control.StreamWhere;
import io.sluice.common.protocol.control.WorkerLatency;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Turns the master's answers into the tables {@code bin/ctl} prints. */
final class Render {

    private Render() {
    }

    static String status(StatusView a) {
        StringBuilder out = new StringBuilder();
        out.append("master pid   ").append(a.pid()).append('\n');
        out.append("uptime       ").append(Table.duration(a.uptimeMillis())).append('\n');
        out.append("generation   ").append(a.generation()).append('\n');
        out.append("config file  ").append(a.configFile()).append('\n');
        out.append("listening    ").append(a.bind()).append(':').append(a.port()).append(" (RTMP)");
        if (a.http() != null) {
            out.append(", ").append(a.http()).append(" (HTTP)");
        }
        out.append('\n');
        out.append('\n').append(workers(a));
        Map<Integer, String> givenUp = a.givenUp() == null ? Map.of() : new TreeMap<>(a.givenUp());
        givenUp.forEach((slot, why) -> out.append("worker slot ").append(slot)
                .append(" not respawned: ").append(why).append('\n'));
        return out.toString();
    }

    static Table workers(StatusView a) {
        Table t = new Table("WORKER", "PID", "GEN", "STATE", "UPTIME", "CONNS", "PUB", "PLAY", "STREAMS", "HEAP",
                "IN", "OUT", "REFUSED", "DENIED", "RTT p50/p99");
        for (StatusView.WorkerView w : a.workers()) {
            t.row(w.id(), w.pid(), w.generation(), w.state(), Table.duration(w.uptimeMillis()), w.connections(),
                    w.publishers(), players(w.players(), w.playersByProtocol()), w.streams(), Table.bytes(w.heapUsed()), Table.bytes(w.bytesIn()),
                    Table.bytes(w.bytesOut()), w.refused(), denied(w.denied()),
                    w.rttP50Micros() < 0 ? "-" : w.rttP50Micros() + "/" + w.rttP99Micros() + " us");
        }
        return t;
    }

    /** Access refusals: the total, and by reason when there are any ({@code 3 (hook 2, rule 1)}). */
    static String denied(Map<String, Long> byReason) {
        long total = byReason.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return "0";
        }
        StringBuilder out = new StringBuilder().append(total).append(" (");
        new TreeMap<>(byReason).forEach((why, n) -> out.append(out.charAt(out.length() - 1) == '(' ? "" : ", ")
                .append(why.replace('_', ' ')).append(' ').append(n));
        return out.append(')').toString();
    }

    static String streams(List<StreamView> a) {
        Table t = new Table("STREAM", "OWNER", "RELAYED BY", "PUBLISHER", "PLAYERS", "KBPS", "VIDEO", "AUDIO", "UPTIME");
        for (StreamView s : a) {
            t.row(s.stream(), s.owner(), ids(s.relayedBy()), orDash(s.publisher()),
                    players(s.players(), s.playersByProtocol()), s.kbps(),
                    orDash(s.videoCodec()), orDash(s.audioCodec()), Table.duration(s.uptimeMillis()));
        }
        return t.isEmpty() ? "no live streams\n" : t.toString();
    }

    static String clients(List<ClientView> a) {
        Table t = new Table("WORKER", "ID", "ADDRESS", "PROTOCOL", "ROLE", "STREAM", "IN", "OUT", "DURATION");
        for (ClientView c : a) {
            t.row(c.worker(), c.id(), c.address(), orDash(c.protocol()), c.role(), orDash(c.stream()), Table.bytes(c.bytesIn()),
                    Table.bytes(c.bytesOut()), Table.duration(c.durationMillis()));
        }
        return t.isEmpty() ? "no clients\n" : t.toString();
    }

    /** A player count with what the players speak: {@code 3 (http-flv 2, rtmp 1)}. */
    static String players(int total, Map<String, Integer> byProtocol) {
        if (byProtocol == null || byProtocol.isEmpty()) {
            return String.valueOf(total);
        }
        StringBuilder out = new StringBuilder().append(total).append(" (");
        new TreeMap<>(byProtocol).forEach((protocol, n) -> out.append(protocol).append(' ').append(n).append(", "));
        out.setLength(out.length() - 2);
        return out.append(')').toString();
    }

    /**
     * {@code live/cam: published on worker 2 (pid 123), relayed by worker(s) 1}; in a cluster
     * the host first ({@code on host edge-1, worker 2}) and the hosts relaying it after.
     */
    static String where(StreamWhere a) {
        StringBuilder out = new StringBuilder(a.app()).append('/').append(a.name()).append(": published on ");
        if (a.node() != null) {
            out.append("host ").append(a.node()).append(", ");
        }
        out.append("worker ").append(a.owner());
        if (a.ownerPid() > 0) {
            out.append(" (pid ").append(a.ownerPid()).append(')');
        }
        out.append(", relayed by ").append(a.relayedBy().isEmpty()
                ? (a.node() != null ? "no worker of this host" : "no other worker") : "worker(s) " + ids(a.relayedBy()));
        if (a.node() != null) {
            out.append(", relayed to ").append(a.relayNodes().isEmpty() ? "no other host"
                    : "host(s) " + String.join(",", a.relayNodes()));
        }
        return out.append('\n').toString();
    }

    static String ping(List<WorkerLatency> a) {
        Table t = new Table("WORKER", "PID", "GEN", "PINGS", "P50 US", "P99 US", "MAX US");
        for (WorkerLatency w : a) {
            t.row(w.id(), w.pid(), w.generation(), w.count(), String.format(Locale.ROOT, "%.0f", w.p50Micros()),
                    String.format(Locale.ROOT, "%.0f", w.p99Micros()), String.format(Locale.ROOT, "%.0f", w.maxMicros()));
        }
        return t.toString();
    }

    static String kick(KickResult a) {
        return "kicked client " + a.id() + " on worker " + a.worker() + "\n";
    }

    static String reload(ReloadReport a) {
        StringBuilder out = new StringBuilder();
        if (a.changes().isEmpty()) {
            out.append("reloaded: nothing changed\n");
        } else {
            Table t = new Table("KEY", "OLD", "NEW", "APPLIED");
            for (ConfigDiff.Change c : a.changes()) {
                t.row(c.key(), c.oldValue(), c.newValue(), c.apply().name().toLowerCase(Locale.ROOT).replace('_', ' '));
            }
            out.append(t);
        }
        if (a.summary() != null) {
            out.append(a.summary()).append('\n');
        }
        return out.toString();
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }

    private static String ids(List<Integer> ids) {
        if (ids == null || ids.isEmpty()) {
            return "-";
        }
        StringBuilder s = new StringBuilder();
        for (int id : ids) {
            if (s.length() > 0) {
                s.append(',');
            }
            s.append(id);
        }
        return s.toString();
    }
}
