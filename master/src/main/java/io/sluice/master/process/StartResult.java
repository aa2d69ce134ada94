package io.sluice.master.process;

import java.util.Map;
import java.util.TreeMap;

/**
 * How the start of a generation ended: how many of its slots run, and why the others were given
 * up (slot id to reason). A generation is up as soon as no slot is still starting.
 *
 * @param badConfig a slot was given up because its worker exited with the bad-configuration code
 */
public record StartResult(int generation, int slots, int running, Map<Integer, String> givenUp, boolean badConfig) {

    public StartResult {
        givenUp = Map.copyOf(givenUp);
    }

    static StartResult of(Generation g) {
        Map<Integer, String> givenUp = new TreeMap<>();
        int running = 0;
        boolean badConfig = false;
        for (WorkerSlot s : g.slots()) {
            if (s.running()) {
                running++;
            } else if (s.givenUp != null) {
                givenUp.put(s.id, s.givenUp);
                badConfig |= s.badConfig;
            }
        }
        return new StartResult(g.number(), g.slots().size(), running, givenUp, badConfig);
    }

    /** Every slot runs. */
    public boolean complete() {
        return running == slots;
    }

    /** "worker slot 2 gave up: ...; worker slot 3 gave up: ..." in slot order; empty when none did. */
    public String givenUpSummary() {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(givenUp).forEach((id, why) -> out.append(out.isEmpty() ? "" : "; ")
                .append("worker slot ").append(id).append(" gave up: ").append(why));
        return out.toString();
    }
}
