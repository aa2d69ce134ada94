package io.sluice.worker.rtmp.chunk;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who gives way when the worker's budget for partly received messages is full. */
class IncompleteMessageBudgetTest {

    private final IncompleteMessageBudget budget = new IncompleteMessageBudget(1000);

    /** One connection's account and the eviction reasons it was sent. */
    private final class Conn {
        final AtomicBoolean publishing = new AtomicBoolean();
        final List<String> evictions = new ArrayList<>();
        final IncompleteMessageBudget.Account account = budget.open(publishing::get, evictions::add);

        Conn publishing() {
            publishing.set(true);
            return this;
        }

        Conn holding(long bytes) {
            assertTrue(account.reserve(bytes));
            return this;
        }
    }

    @Test
    void messagesThatFitAreAdmittedAndGivenBack() {
        Conn a = new Conn().holding(600);
        Conn b = new Conn().holding(400);
        assertEquals(1000, budget.held());
        a.account.release(600);
        assertEquals(400, budget.held());
        b.account.close();
        assertEquals(0, budget.held());
        assertEquals(List.of(), a.evictions);
    }

    @Test
    void aConnectionThatDoesNotPublishAndHoldsTheMostIsTheOneToGo() {
        Conn attacker = new Conn().holding(700);
        Conn other = new Conn().holding(200);
        Conn newcomer = new Conn();
        assertTrue(newcomer.account.reserve(300), "the newcomer's message is admitted at once");
        assertEquals(1, attacker.evictions.size());
        assertTrue(attacker.evictions.get(0).contains("held 700 bytes"), attacker.evictions.get(0));
        assertEquals(List.of(), other.evictions);
        // The attacker's bytes count as free until it has closed: nobody else goes for them.
        Conn another = new Conn();
        assertTrue(another.account.reserve(100));
        assertEquals(List.of(), other.evictions);
        attacker.account.close();
        assertEquals(600, budget.held());
    }

    @Test
    void aRequesterThatWouldHoldTheMostIsRefusedAndNobodyElseGoes() {
        Conn small = new Conn().holding(300);
        Conn big = new Conn().holding(400);
        assertFalse(big.account.reserve(400), "400 + 400 held: it is the largest");
        assertEquals(List.of(), small.evictions);
        assertEquals(700, budget.held(), "a refused request takes nothing");
    }

    @Test
    void aConnectionThatDoesNotPublishNeverDisplacesAPublisher() {
        Conn publisher = new Conn().publishing().holding(900);
        Conn player = new Conn();
        assertFalse(player.account.reserve(200));
        assertEquals(List.of(), publisher.evictions);
        assertEquals(900, budget.held());
    }

    @Test
    void aPublisherDisplacesTheUnpublishedFirstEvenWhenAPublisherHoldsMore() {
        Conn bigPublisher = new Conn().publishing().holding(500);
        Conn attacker1 = new Conn().holding(200);
        Conn attacker2 = new Conn().holding(250);
        Conn publisher = new Conn().publishing();
        assertTrue(publisher.account.reserve(400), "needs 350 bytes: both attackers go, the publisher stays");
        assertEquals(1, attacker1.evictions.size());
        assertEquals(1, attacker2.evictions.size());
        assertTrue(attacker2.evictions.get(0).contains("do not publish"), attacker2.evictions.get(0));
        assertEquals(List.of(), bigPublisher.evictions);
    }

    @Test
    void betweenPublishersTheOneHoldingTheMostGoes() {
        Conn stuck = new Conn().publishing().holding(800);
        Conn publisher = new Conn().publishing();
        assertTrue(publisher.account.reserve(300));
        assertEquals(1, stuck.evictions.size());
        assertTrue(stuck.evictions.get(0).contains("that publish"), stuck.evictions.get(0));

        Conn small = new Conn().publishing().holding(100);
        IncompleteMessageBudget tight = new IncompleteMessageBudget(500);
        IncompleteMessageBudget.Account a = tight.open(() -> true, r -> { });
        IncompleteMessageBudget.Account b = tight.open(() -> true, r -> { });
        assertTrue(a.reserve(200));
        assertFalse(b.reserve(400), "the requester would hold the most");
        assertEquals(List.of(), small.evictions);
    }

    @Test
    void anEvictedConnectionGetsNothingMore() {
        Conn attacker = new Conn().holding(900);
        assertTrue(new Conn().account.reserve(500));
        assertEquals(1, attacker.evictions.size());
        assertFalse(attacker.account.reserve(1), "it is closing");
    }

    @Test
    void aLowerLimitAppliesToNewMessages() {
        Conn a = new Conn().holding(800);
        budget.limit(500);
        assertFalse(a.account.reserve(10));
        a.account.release(800);
        assertTrue(a.account.reserve(500));
    }
}
