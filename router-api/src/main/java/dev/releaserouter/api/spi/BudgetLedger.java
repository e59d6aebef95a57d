package dev.releaserouter.api.spi;

import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Where exposure budgets are consumed: for each candidate, how many requests its budget has
 * granted, consumed atomically and never past the limit, across every thread and, for a shared
 * ledger, every instance of a fleet.
 *
 * <p>How the router uses it: when it compiles a configuration it resolves each budgeted
 * candidate's {@link Account} once ({@link #account}); on the request path it takes units from a
 * local allotment and, when the allotment is empty, consumes {@link #allotment()} more units from
 * the account at once ({@link Account#tryConsumeNow}, which never waits for I/O), so a remote
 * ledger is consulted once per allotment, not once per decision. Units left in an allotment when a
 * budget is reset or the router closes are {@linkplain Account#giveBack given back}. With the
 * default allotment of 1 (the in-memory ledger), every grant is one consumption: the budget is
 * exact per request.
 *
 * <p>Guarantees an implementation must keep (router-testkit's {@code BudgetLedgerContract}):
 * {@code consumed()} never exceeds the largest limit passed to {@code tryConsume}, under any
 * number of racing threads (and instances); a consumption is all-or-part, never more than asked;
 * {@code giveBack} never makes consumption negative; {@code reset} forgets what was consumed;
 * accounts of the same key are the same account.
 *
 * <p>Thread-safe. {@link Account#tryConsumeNow} is called on the request path when an allotment
 * runs out: an implementation must not wait for I/O there (a remote ledger serves from a
 * prefetched lease of its own, refilled asynchronously); {@link Account#tryConsume} may wait, for
 * a bounded time. Failure: a method that cannot
 * complete throws; the router then grants nothing from that budget (the stable version answers,
 * reason {@link dev.releaserouter.api.Reason#BUDGET_EXHAUSTED}) and counts the failure in
 * {@link dev.releaserouter.api.RouterStatus#internalErrors()}: a budget never overshoots because
 * its ledger failed.
 */
public interface BudgetLedger extends AutoCloseable {

    /**
     * The in-memory ledger (the default): one atomic counter per key, allotment 1.
     *
     * @return a new, empty, thread-safe ledger
     */
    static BudgetLedger inMemory() {
        return new InMemoryBudgetLedger();
    }

    /**
     * The account of one candidate's budget. Called when a configuration is compiled, not per
     * request; should not do I/O (a handle, resolved lazily).
     *
     * @param key the model and candidate
     * @return its account; the same key always names the same consumption
     * @throws NullPointerException if key is null
     */
    Account account(BudgetKey key);

    /**
     * How many units the router consumes from an account at a time (its local allotment). A
     * local ledger returns 1 (exact per request); a remote one more (fewer round trips, at the
     * price of units held by one instance that another cannot use until given back).
     *
     * @return at least 1
     */
    default int allotment() {
        return 1;
    }

    /**
     * The fleet-wide value-share account of one candidate's budget ({@code max_value_share}),
     * or null (the default): the router then checks the share against this instance's own
     * totals, as the in-memory ledger does. Called when a configuration is compiled, not per
     * request; should not do I/O.
     *
     * @param key the model and candidate
     * @param modelValueSeen this instance's running total of the monetary value of every
     *     request of the model it saw, in millionths; it only grows (the same supplier for every
     *     candidate of a model); the ledger may read it on any thread
     * @return the account, or null to check the share locally
     * @throws NullPointerException if an argument is null
     */
    default @Nullable ValueAccount valueAccount(BudgetKey key, LongSupplier modelValueSeen) {
        return null;
    }

    /**
     * The fleet-wide rolling-window account of one candidate's budget ({@code max_requests}
     * with a {@code window}), or null (the default): the router then checks the window against
     * this instance's own grants, as with the in-memory ledger. Called when a configuration is
     * compiled (again when the window length changes), not per request; should not do I/O.
     *
     * @param key the model and candidate
     * @param windowMillis the window length in milliseconds, at least 1000
     * @return the account, or null to check the window locally
     * @throws NullPointerException if key is null
     */
    default @Nullable WindowAccount windowAccount(BudgetKey key, long windowMillis) {
        return null;
    }

    /** Releases resources. Idempotent. */
    @Override
    default void close() {}

    /** One candidate's consumption. Thread-safe. */
    interface Account {

        /**
         * Consumes up to {@code units}, as many as the limit leaves, atomically.
         *
         * @param units how many units are wanted, positive
         * @param limit the most units this account may have consumed in all; non-negative
         * @return how many were consumed, between 0 and {@code units}; after it,
         *     {@code consumed() <= limit} still holds (unless it exceeded it before: a lowered
         *     limit never takes back what was granted)
         * @throws IllegalArgumentException if units is not positive or limit is negative
         * @throws java.io.UncheckedIOException (or another unchecked exception) if the ledger
         *     cannot be reached; nothing was consumed as far as the caller may rely on
         */
        long tryConsume(long units, long limit);

        /**
         * Like {@link #tryConsume}, but called on the request path, so it must return at once:
         * it never waits for I/O. A remote ledger grants from units it prefetched (and refills
         * them asynchronously); when it holds none it grants 0 at once. The router calls this
         * one; the default delegates to {@link #tryConsume} (right for a ledger that never
         * waits, such as the in-memory one).
         *
         * @param units how many units are wanted, positive
         * @param limit the most units this account may have consumed in all; non-negative
         * @return how many were consumed, between 0 and {@code units}, never past the limit
         * @throws IllegalArgumentException if units is not positive or limit is negative
         * @throws RuntimeException if the ledger knows it cannot be reached and holds nothing
         *     (the router then counts the failure and grants nothing)
         */
        default long tryConsumeNow(long units, long limit) {
            return tryConsume(units, limit);
        }

        /**
         * Returns units consumed but not used (an allotment left over).
         *
         * @param units how many; consumption never goes below 0
         * @throws IllegalArgumentException if units is negative
         * @throws java.io.UncheckedIOException (or another unchecked exception) if the ledger
         *     cannot be reached (the units stay consumed: stricter, never looser)
         */
        void giveBack(long units);

        /**
         * @return units consumed so far, fleet-wide for a shared ledger (including units held
         *     in instances' allotments)
         * @throws java.io.UncheckedIOException (or another unchecked exception) if the ledger
         *     cannot be reached
         */
        long consumed();

        /**
         * Forgets what was consumed (an audited budget reset).
         *
         * @throws java.io.UncheckedIOException (or another unchecked exception) if the ledger
         *     cannot be reached
         */
        void reset();
    }

    /**
     * One candidate's value share, enforced fleet-wide: the candidate value granted by all
     * instances together never exceeds {@code share x} the model value they reported seeing.
     * Thread-safe. Not intended for use outside a router.
     */
    interface ValueAccount {

        /**
         * Grants a candidate request's value if the fleet-wide share allows it; called on the
         * request path, so it never waits for I/O (it grants from a prefetched allowance).
         *
         * @param micros the request's monetary value in millionths, non-negative
         * @param maxShare the share limit, between 0 and 1
         * @return whether granted (false: the share is used up, or no allowance is held now)
         * @throws RuntimeException if the ledger knows it cannot be reached and holds nothing
         *     (the router then counts the failure and grants nothing)
         */
        boolean tryGrantNow(long micros, double maxShare);

        /**
         * Forgets the candidate value granted (an audited budget reset); the model's value
         * total is kept.
         *
         * @throws RuntimeException if the ledger cannot be reached
         */
        void reset();
    }

    /**
     * One candidate's rolling-window budget, enforced fleet-wide: the requests granted by all
     * instances together within any window of the account's length never exceed the limit.
     * Thread-safe. Not intended for use outside a router.
     */
    interface WindowAccount {

        /**
         * Grants one candidate request at {@code nowMillis} if the fleet-wide window allows it;
         * called on the request path, so it never waits for I/O (it grants from a prefetched
         * allowance) and should not allocate.
         *
         * @param nowMillis the router clock's current time
         * @param limit the most grants in any window, non-negative
         * @return whether granted (false: the window is used up, or no allowance is held now)
         * @throws RuntimeException if the ledger knows it cannot be reached and holds nothing
         *     (the router then counts the failure and grants nothing)
         */
        boolean tryGrantNow(long nowMillis, long limit);

        /**
         * Forgets the grants counted (an audited budget reset).
         *
         * @throws RuntimeException if the ledger cannot be reached
         */
        void reset();
    }
}
