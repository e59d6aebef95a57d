package dev.releaserouter.core.budget.internal;

import dev.releaserouter.api.spi.BudgetLedger;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * What one candidate's exposure budget has consumed. Outlives configuration snapshots, so a
 * reload or a changed limit never resets consumption (only an explicit reset does).
 *
 * <p>Every grant is also recorded in time (a {@link WindowCounter}), whether or not the budget
 * has a window, so that a window added or changed later is checked against what was really
 * granted: at most {@code max_requests} in any window of the new length.
 *
 * <p>A total request limit ({@code max_requests} without a window) is consumed from the
 * candidate's {@link BudgetLedger.Account}, through a local allotment: a grant takes one unit
 * from {@link #allotment} if it holds any (one CAS), else consumes the ledger's allotment size
 * from the account and keeps what it does not use. With the in-memory ledger (allotment 1) every
 * grant is one lock-free, allocation-free ledger CAS, exact per request; with a remote ledger
 * the account is consulted once per allotment.
 *
 * <p>Thread-safe: all fields are atomics or volatile; the window counter is replaced only when
 * the window length changes, by {@link #windowFor} (synchronized), which hands its history over
 * to the new counter.
 */
public final class BudgetState {

    /** Grants on this instance since creation or the last reset (with or without a limit). */
    final AtomicLong granted = new AtomicLong();
    /** Units consumed from the ledger and not yet granted. */
    private final AtomicLong allotment = new AtomicLong();
    private volatile BudgetLedger.@Nullable Account account;
    /** The ledger's fleet-wide value share, or null: the share is checked locally. */
    volatile BudgetLedger.@Nullable ValueAccount valueAccount;
    private volatile boolean valueResolved;
    /** The ledger's fleet-wide window account, or null: the window is checked locally only. */
    volatile BudgetLedger.@Nullable WindowAccount windowAccount;
    /** The window length {@link #windowAccount} was resolved for (0: never resolved). */
    private long windowAccountMillis;
    final AtomicLong valueMicros = new AtomicLong();
    final AtomicReference<WindowCounter> window = new AtomicReference<>();

    /** @return requests granted on this instance since creation or the last reset */
    public long granted() {
        return granted.get();
    }

    /** @return monetary value granted, in millionths */
    public long valueMicros() {
        return valueMicros.get();
    }

    /**
     * @param nowMillis current time
     * @return requests granted in the window of the current counter ending now, or -1 if no
     *     grant was ever recorded
     */
    public long grantedInWindow(long nowMillis) {
        WindowCounter w = window.get();
        return w == null ? -1 : w.used(nowMillis);
    }

    /**
     * The window counter for a window length; if the length changed, a new counter that takes
     * over the old one's history (conservatively: see {@link WindowCounter}).
     *
     * @param windowMillis window length
     * @param clock the router's clock, read only when the length changed
     * @return the counter
     */
    synchronized WindowCounter windowFor(long windowMillis, Clock clock) {
        WindowCounter w = window.get();
        if (w == null) {
            w = new WindowCounter(windowMillis);
            window.set(w);
        } else if (w.windowMillis() != windowMillis) {
            long now;
            try {
                now = clock.millis();
            } catch (RuntimeException e) {
                // A failing clock must not refuse the change: the history's own latest time
                // places every carried grant (see replaceWith).
                now = Long.MIN_VALUE;
            }
            w = w.replaceWith(windowMillis, now);
            window.set(w);
        }
        return w;
    }

    /**
     * The counter that records grants of a budget without a window: the current one, whatever
     * its length, or a new one with one-minute slots.
     *
     * @return the counter
     */
    synchronized WindowCounter history() {
        WindowCounter w = window.get();
        if (w == null) {
            w = new WindowCounter(WindowCounter.DEFAULT_WINDOW_MILLIS);
            window.set(w);
        }
        return w;
    }

    /** Resolves the ledger account if not done yet (on compilation, never on the hot path). */
    void resolve(BudgetAccounts owner, String model, String version) {
        if (account == null) {
            account = owner.account(model, version);
        }
    }

    /** Resolves the ledger's value account once (on compilation, never on the hot path). */
    void resolveValue(BudgetAccounts owner, String model, String version, AtomicLong total) {
        if (!valueResolved) {
            valueAccount = owner.valueAccount(model, version, total);
            valueResolved = true;
        }
    }

    /**
     * Resolves the ledger's window account for a window length (on compilation, never on the
     * hot path): once, and again when the length changes.
     */
    synchronized BudgetLedger.@Nullable WindowAccount resolveWindow(BudgetAccounts owner,
            String model, String version, long windowMillis) {
        if (windowAccountMillis != windowMillis) {
            windowAccount = owner.windowAccount(model, version, windowMillis);
            windowAccountMillis = windowMillis;
        }
        return windowAccount;
    }

    /**
     * Takes one unit of a total limit: from the local allotment, else from the ledger.
     * Lock-free; allocation-free unless the ledger allocates.
     *
     * @return whether a unit was granted (false: the limit is reached or the ledger failed)
     */
    boolean takeOne(BudgetAccounts owner, long limit) {
        AtomicLong a = allotment;
        for (long held = a.get(); held > 0; held = a.get()) {
            if (a.compareAndSet(held, held - 1)) {
                return true;
            }
        }
        BudgetLedger.Account acc = account;
        if (acc == null) {
            owner.ledgerUnavailable();
            return false;
        }
        long size = owner.allotment();
        long got;
        try {
            got = acc.tryConsumeNow(size, limit); // never waits for I/O (the SPI's promise)
        } catch (Throwable t) {
            owner.ledgerFailed(t);
            return false;
        }
        if (got <= 0) {
            return false;
        }
        if (got > 1) {
            a.addAndGet(Math.min(got, size) - 1);
        }
        return true;
    }

    /** Returns one granted unit to the local allotment (another limit refused the request). */
    void giveBackOne() {
        allotment.incrementAndGet();
    }

    /** Returns the local allotment to the ledger (a new snapshot, or closing). */
    void giveBackAllotment(BudgetAccounts owner) {
        long held = allotment.getAndSet(0);
        BudgetLedger.Account acc = account;
        if (held > 0 && acc != null) {
            try {
                acc.giveBack(held);
            } catch (Throwable t) {
                owner.ledgerFailed(t); // the units stay consumed: stricter, never looser
            }
        }
    }

    /**
     * Forgets what was consumed (the model's value total is not touched), in the ledger too.
     *
     * @throws RuntimeException whatever the ledger throws (the local state is reset anyway)
     */
    public void reset() {
        allotment.set(0);
        granted.set(0);
        valueMicros.set(0);
        WindowCounter w = window.get();
        if (w != null) {
            w.reset();
        }
        BudgetLedger.ValueAccount va = valueAccount;
        if (va != null) {
            va.reset();
        }
        BudgetLedger.WindowAccount wa = windowAccount;
        if (wa != null) {
            wa.reset();
        }
        BudgetLedger.Account acc = account;
        if (acc != null) {
            acc.reset();
        }
    }
}
