package io.sluice.master.process;

import io.sluice.common.config.SluiceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * The current generation and, while a reload starts one, the next: numbering, promotion, rollback
 * and retirement. A retired generation's slots are not respawned; its workers are drained or
 * stopped by whoever retired it. Used on the master loop only.
 */
final class Generations {

    private static final Logger log = LoggerFactory.getLogger(Generations.class);

    private Generation current;
    private Generation next;
    /** The last generation number handed out; a failed reload's number is not reused. */
    private int last;

    Generations(SluiceConfig config) {
        current = Generation.none(config);
    }

    Generation current() {
        return current;
    }

    /** A new, numbered generation of {@code workers} empty slots; held by {@link #first} or {@link #beside}. */
    Generation create(SluiceConfig config, int workers) {
        int number = ++last;
        log.info("starting {} worker(s), generation {}", workers, number);
        return new Generation(number, config,
                IntStream.rangeClosed(1, workers).mapToObj(id -> new WorkerSlot(id, number)).toList(),
                new CompletableFuture<>());
    }

    /** The first generation is current at once: there is nothing to keep. */
    void first(Generation g) {
        current = g;
    }

    /** A reload's generation starts beside the current one, which serves until it is promoted. */
    void beside(Generation g) {
        if (next != null) {
            throw new IllegalStateException("generation " + next.number() + " is starting already");
        }
        next = g;
    }

    /** {@code g} runs: it becomes current. Returns the previous generation's live workers. */
    List<WorkerHandle> promote(Generation g) {
        Generation previous = current;
        current = g;
        next = null;
        return retire(previous);
    }

    /** {@code g} could not run: it is dropped, the current value stays as it was. Returns its live workers. */
    List<WorkerHandle> abandon(Generation g) {
        if (next == g) {
            next = null;
        }
        return retire(g);
    }

    /** The server stops: no slot of any generation is respawned, a generation still starting fails. */
    void retireAll() {
        for (Generation g : next == null ? List.of(current) : List.of(current, next)) {
            g.up().completeExceptionally(new CancellationException("the server is stopping"));
            retire(g);
        }
        next = null;
    }

    /** A reload applied in place: the current generation runs on with {@code config}. */
    void applyInPlace(SluiceConfig config) {
        current = current.withConfig(config);
    }

    /** The generation {@code slot} belongs to while it is current or next; null once retired from both. */
    Generation of(WorkerSlot slot) {
        if (slot.generation == current.number()) {
            return current;
        }
        return next != null && slot.generation == next.number() ? next : null;
    }

    /** Slots of the current generation that were given up, with the reason. */
    Map<Integer, String> givenUp() {
        Map<Integer, String> out = new TreeMap<>();
        for (WorkerSlot s : current.slots()) {
            if (s.givenUp != null) {
                out.put(s.id, s.givenUp);
            }
        }
        return out;
    }

    private static List<WorkerHandle> retire(Generation g) {
        List<WorkerHandle> live = new ArrayList<>();
        for (WorkerSlot s : g.slots()) {
            s.retire();
            if (s.worker != null && s.worker.state != WorkerHandle.State.EXITED) {
                live.add(s.worker);
            }
        }
        return live;
    }
}
