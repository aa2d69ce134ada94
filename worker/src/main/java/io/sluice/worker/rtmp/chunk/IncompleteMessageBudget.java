package io.sluice.worker.rtmp.chunk;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The bytes one worker holds in partly received RTMP messages, over all its connections
 * ({@code rtmp.incomplete_message_budget}), and who gives way when a new message does not fit.
 *
 * <p>A message counts with the length its header announces, from its first chunk to its last
 * (or an Abort, or the end of its connection): its buffer may grow that far, and the length is
 * known before anything is allocated. What a connection holds is the sum over its chunk streams.
 *
 * <p>Who gives way. Connections whose publish has not been accepted ("unearned": players, and every
 * connection before the master grants its publish) hold at most two messages of
 * {@code max_message_size_before_publish} each, so filling the budget takes many of them, and
 * closing one costs it a command, never a stream.
 * <ol>
 * <li>An unearned connection never displaces a publisher: the unearned connections holding the most
 *     bytes (the requester included, counted with its new message) are closed until the new message
 *     fits; if the requester comes first, the requester is the one closed.
 * <li>A publisher displaces the unearned first, those holding the most first, then publishers holding
 *     more than it does itself. A publisher is closed only when publishers alone fill the budget.
 * </ol>
 * The most bytes, not the oldest message: a slow-trickle attacker can restart its message cheaply
 * (an Abort and a new header are ~30 bytes) to look young, but it must hold bytes to do harm, while
 * an honest client holds a command of a few hundred bytes for a round trip.
 *
 * <p>A connection chosen to give way is closed on its own event loop (its decoder fails with the
 * reason, which the session logs in one WARN line); its bytes come back when it has closed. Until
 * then they count as free for the next decision, so the request that caused the eviction is admitted
 * at once and no further connection is closed for the same bytes.
 *
 * <p>Thread-safe: an {@link Account} is used on its connection's loop; the total is an atomic;
 * choosing whom to close takes a lock, only when the budget is exhausted.
 */
public final class IncompleteMessageBudget {

    private final AtomicLong held = new AtomicLong();
    private final Set<Account> accounts = ConcurrentHashMap.newKeySet();
    private volatile long limit;

    /** @param limit bytes held at most over all accounts; the default is 64 MiB */
    public IncompleteMessageBudget(long limit) {
        limit(limit);
    }

    /** A new limit (reload); what is held above it is not taken back, new messages wait for room. */
    public void limit(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }

    /** Bytes held now, over all accounts. */
    public long held() {
        return held.get();
    }

    /**
     * Opens the account of one connection.
     *
     * @param earned true while the connection's publish is accepted
     * @param evict  called (on any thread) with the reason when the connection must give way; it
     *               closes the connection on its own loop, which then {@link Account#close()}s
     */
    public Account open(BooleanSupplier earned, Consumer<String> evict) {
        Account a = new Account(earned, evict);
        accounts.add(a);
        return a;
    }

    private boolean reserve(Account a, long n) {
        if (a.evicted) {
            return false; // it is closing already
        }
        long max = limit;
        for (long cur = held.get(); cur + n <= max; cur = held.get()) {
            if (held.compareAndSet(cur, cur + n)) {
                a.held.addAndGet(n);
                return true;
            }
        }
        return reserveOrEvict(a, n);
    }

    private synchronized boolean reserveOrEvict(Account a, long n) {
        long releasing = 0;
        for (Account other : accounts) {
            if (other.evicted) {
                releasing += other.held.get();
            }
        }
        long max = limit;
        long need = held.get() - releasing + n - max;
        if (need > 0) {
            List<Account> victims = victims(a, n, need);
            if (victims == null) {
                return false;
            }
            for (Account v : victims) {
                v.evicted = true;
                v.evict.accept("closed to make room in the worker's incomplete-message budget of "
                        + describe(max) + " (rtmp.incomplete_message_budget): this connection held "
                        + v.held.get() + " bytes in unfinished messages, the most of the connections that"
                        + (v.earned.getAsBoolean() ? " publish" : " do not publish"));
            }
        }
        held.addAndGet(n);
        a.held.addAndGet(n);
        return true;
    }

    /** Who gives way so that {@code need} bytes come free; null when it is the requester. */
    private List<Account> victims(Account requester, long n, long need) {
        boolean requesterEarned = requester.earned.getAsBoolean();
        // Snapshots: other loops change these while we sort.
        List<Candidate> candidates = new ArrayList<>();
        for (Account a : accounts) {
            if (a.evicted) {
                continue;
            }
            boolean earned = a == requester ? requesterEarned : a.earned.getAsBoolean();
            long bytes = a.held.get() + (a == requester ? n : 0);
            if (a != requester && (bytes == 0 || (earned && !requesterEarned))) {
                continue;
            }
            candidates.add(new Candidate(a, earned, bytes));
        }
        candidates.sort(Comparator.comparing(Candidate::earned).thenComparing(Candidate::bytes, Comparator.reverseOrder()));
        List<Account> victims = new ArrayList<>();
        long freed = 0;
        for (Candidate c : candidates) {
            if (c.account == requester) {
                return null;
            }
            victims.add(c.account);
            freed += c.bytes;
            if (freed >= need) {
                return victims;
            }
        }
        return null;
    }

    /** 67108864 as "64 MiB", the way the configuration writes it; other sizes in bytes. */
    static String describe(long bytes) {
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }

    private record Candidate(Account account, boolean earned, long bytes) {
    }

    /** What one connection holds in unfinished messages. Used on that connection's event loop. */
    public final class Account {

        private final BooleanSupplier earned;
        private final Consumer<String> evict;
        private final AtomicLong held = new AtomicLong();
        private volatile boolean evicted;

        private Account(BooleanSupplier earned, Consumer<String> evict) {
            this.earned = earned;
            this.evict = evict;
        }

        /**
         * Takes {@code n} bytes for a message about to be received; false when this connection
         * is the one to give way (the caller closes it). May close other connections instead.
         */
        public boolean reserve(long n) {
            return IncompleteMessageBudget.this.reserve(this, n);
        }

        /** Gives back {@code n} bytes: the message completed or was aborted. */
        public void release(long n) {
            held.addAndGet(-n);
            IncompleteMessageBudget.this.held.addAndGet(-n);
        }

        /** Gives back everything and leaves the budget (the connection ended). */
        public void close() {
            accounts.remove(this);
            release(held.get());
        }

        public long held() {
            return held.get();
        }
    }
}
