package io.sluice.bench;

import io.sluice.bench.hostile.Tally;

import java.util.List;
import java.util.Locale;

/**
 * One attack against one server: what {@link Hostile} prints and appends as a JSON line. Times
 * in milliseconds, memory in KiB. {@code error} is set (and most figures absent) when the honest
 * stream could not even be set up.
 *
 * @param baseline    the honest players before the attack
 * @param attack      the honest players from the attack's start to the end of the cooldown
 * @param restarts    server processes that appeared during the attack (a respawned worker has a new pid)
 * @param serverGone  the root process (Sluice's master, nginx's master) is gone
 * @param lateJoinMs  time to first media of the players that joined during the attack (-1: none by the end)
 * @param generatorLagMs the most the generator's own players' and publisher's loops ran late
 */
record HostileResult(String label, String attackKind, String description, int players, Phase baseline, Phase attack,
                     Memory memory, int restarts, boolean serverGone, Tally attackers, List<Double> lateJoinMs,
                     double generatorCpuPercent, double machineBusyPercent, double generatorLagMs, String error) {

    /**
     * The honest players over one window.
     *
     * @param published      audio and video messages the publisher sent in the window
     * @param receivedMin    fewest media messages a player received in it (of those still connected)
     * @param receivedMedian median over the players
     */
    record Phase(double seconds, double maxGapMs, double medianMaxGapMs, List<Double> playerMaxGapMs, long published,
                 long receivedMin, double receivedMedian, int playersDropped, boolean publisherDropped) {
    }

    /** RSS of the server's processes summed: before the attack, the peak during it, at the end of the cooldown. */
    record Memory(long beforeKb, long peakKb, long afterKb, List<ProcRss> processes) {
    }

    record ProcRss(long pid, String name, long beforeKb, long peakKb, long afterKb) {
    }

    static HostileResult failed(String label, String kind, String description, int players, String error) {
        return new HostileResult(label, kind, description, players, null, null, null, 0, false, null, List.of(), 0, 0, 0,
                error);
    }

    String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "== %s  %s%n   %s%n", label, attackKind, description));
        if (error != null) {
            b.append("   ERROR: ").append(error).append('\n');
            return b.toString();
        }
        row(b, "largest gap, baseline / attack", f("%.0f / %.0f ms (median of player maxima %.0f / %.0f ms)",
                baseline.maxGapMs, attack.maxGapMs, baseline.medianMaxGapMs, attack.medianMaxGapMs));
        row(b, "media received (min, median / sent)", f("%d, %.0f / %d", attack.receivedMin, attack.receivedMedian,
                attack.published));
        row(b, "honest dropped", f("%d of %d players%s", attack.playersDropped, players,
                attack.publisherDropped ? ", and the publisher" : ""));
        row(b, "late joiners, first media", lateJoinMs.toString() + " ms");
        row(b, "server RSS before / peak / after", f("%.0f / %.0f / %.0f MiB", memory.beforeKb / 1024.0,
                memory.peakKb / 1024.0, memory.afterKb / 1024.0));
        for (ProcRss p : memory.processes) {
            row(b, "  pid " + p.pid + " " + p.name, f("%.0f / %.0f / %.0f MiB", p.beforeKb / 1024.0, p.peakKb / 1024.0,
                    p.afterKb / 1024.0));
        }
        row(b, "server processes restarted", restarts + (serverGone ? " (server gone)" : ""));
        row(b, "attackers", f("%d opened (at most %d at once), %d closed by the server, %d failed to start; "
                        + "%.1f MiB sent, %.1f MiB received", attackers.opened(), attackers.peakOpen(),
                attackers.closedByServer(), attackers.failedToStart(), attackers.bytesSent() / 1048576.0,
                attackers.bytesReceived() / 1048576.0));
        row(b, "generator CPU / machine busy / loop lag", f("%.0f %% / %.0f %% / %.0f ms", generatorCpuPercent,
                machineBusyPercent, generatorLagMs));
        return b.toString();
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append(String.format(Locale.ROOT, "   %-40s %s%n", name, value));
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
