package dev.releaserouter.core.budget.internal;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.spi.BudgetLedger;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One candidate's budget as compiled into a snapshot: the limits of that snapshot bound to the
 * persistent consumption state.
 *
 * <p>Design: each limit is enforced by an atomic check-and-add that refuses instead of
 * overshooting (the total limit in the budget ledger, see {@link BudgetState}). When a request
 * passes one limit and fails the next, what it took from the first is given back, so racing callers
 * may be refused while a unit is in flight, but the granted total never exceeds a limit. Lock-free;
 * allocation-free.
 */
public final class CompiledBudget {

    private static final double MICROS = 1_000_000d;

    private final long maxRequests;
    private final boolean totalLimit;
    private final double maxShare;
    private final BudgetState state;
    private final boolean windowed;
    /** The budget's grant history; checked against the limit only when windowed. */
    private final WindowCounter window;
    /** The ledger's fleet-wide window account, checked after the local window; or null. */
    private final BudgetLedger.@Nullable WindowAccount fleetWindow;
    private final @Nullable AtomicLong modelValue;
    private final Clock clock;
    private final BudgetAccounts owner;

    CompiledBudget(ExposureBudget budget, BudgetState state, WindowCounter window,
            BudgetLedger.@Nullable WindowAccount fleetWindow, @Nullable AtomicLong modelValue,
            Clock clock, BudgetAccounts owner) {
        this.owner = owner;
        this.maxRequests = budget.maxRequests().orElse(-1); // read only when limitsRequests()
        this.totalLimit = budget.limitsRequests() && budget.window().isEmpty();
        this.maxShare = budget.maxValueShare().orElse(Double.NaN); // read only when tracksValue()
        this.state = state;
        this.windowed = budget.window().isPresent();
        this.window = window;
        this.fleetWindow = fleetWindow;
        this.modelValue = modelValue;
        this.clock = clock;
    }

    /** @return whether the limit needs the model's value total on every request */
    public boolean tracksValue() {
        return modelValue != null;
    }

    /**
     * Adds a request's value to the model's total; call for every request of the model.
     *
     * @param total the model's total (from the ledger)
     * @param request the request
     */
    public static void addToModelTotal(AtomicLong total, RouteRequest request) {
        addToModelTotal(total, request.monetaryValueOr(Double.NaN));
    }

    /**
     * Adds a request's value to the model's total; call for every request of the model.
     *
     * @param total the model's total (from the ledger)
     * @param monetaryValue the request's monetary value, or NaN if it has none
     */
    public static void addToModelTotal(AtomicLong total, double monetaryValue) {
        if (!Double.isNaN(monetaryValue)) {
            total.accumulateAndGet(toMicros(monetaryValue), CompiledBudget::plus);
        }
    }

    /**
     * Adds two non-negative micro-unit amounts, saturating at {@link Long#MAX_VALUE}: a lifetime
     * total can pass 2^63 micro-units (9.2e12 units), and a wrapped, negative sum would let the
     * share check grant. A saturated model total understates the truth and a saturated grant
     * overstates it, so both only make the check stricter.
     */
    static long plus(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /**
     * Takes one request (and its monetary value) from the budget if every limit allows it.
     *
     * @param request the request that would reach the candidate
     * @return true if granted, false if a limit is reached (nothing is consumed then)
     */
    public boolean tryAcquire(RouteRequest request) {
        return tryAcquire(request.monetaryValueOr(Double.NaN));
    }

    /**
     * Takes one request (and its monetary value) from the budget if every limit allows it; the
     * hot path's form, which needs no request object.
     *
     * @param monetaryValue the value of the request that would reach the candidate, or NaN if
     *     it has none
     * @return true if granted, false if a limit is reached (nothing is consumed then)
     */
    public boolean tryAcquire(double monetaryValue) {
        // Every grant is consumed in the ledger (limited only under a total limit), so a total
        // limit set later counts what windowed or value-only budgets granted before.
        if (!state.takeOne(owner, totalLimit ? maxRequests : Long.MAX_VALUE)) {
            return false;
        }
        long epoch;
        if (windowed) {
            long now = clock.millis();
            epoch = window.tryAcquire(now, maxRequests);
            if (epoch == Long.MIN_VALUE) {
                state.giveBackOne();
                return false;
            }
            BudgetLedger.WindowAccount fleet = fleetWindow;
            if (fleet != null && !acquireFleetWindow(fleet, now)) {
                window.release(epoch);
                state.giveBackOne();
                return false;
            }
        } else {
            // No window to check, but the history is kept for a window added later.
            epoch = window.record(clock.millis());
        }
        if (modelValue != null && !acquireValue(monetaryValue)) {
            window.release(epoch);
            state.giveBackOne();
            return false;
        }
        state.granted.incrementAndGet(); // this instance's grants, for status
        return true;
    }

    /**
     * The fleet-wide window check, after this instance's own. A fleet grant later refused by
     * another limit stays counted in the fleet window (stricter, never looser).
     */
    private boolean acquireFleetWindow(BudgetLedger.WindowAccount fleet, long now) {
        try {
            return fleet.tryGrantNow(now, maxRequests); // never waits for I/O
        } catch (Throwable t) {
            owner.ledgerFailed(t);
            return false;
        }
    }

    private boolean acquireValue(double monetaryValue) {
        if (Double.isNaN(monetaryValue)) {
            return true; // nothing at stake
        }
        long v = toMicros(monetaryValue);
        AtomicLong granted = state.valueMicros;
        BudgetLedger.ValueAccount fleet = state.valueAccount;
        if (fleet != null) {
            // The ledger enforces the share against the fleet's totals; the local counter is
            // kept for status only.
            boolean ok;
            try {
                ok = fleet.tryGrantNow(v, maxShare); // never waits for I/O (the SPI's promise)
            } catch (Throwable t) {
                owner.ledgerFailed(t);
                return false;
            }
            if (ok) {
                granted.accumulateAndGet(v, CompiledBudget::plus);
            }
            return ok;
        }
        while (true) {
            long used = granted.get();
            // The model total only grows, so reading it after our own value was added to it
            // can only make this check stricter than the truth, never looser.
            double allowed = maxShare * (double) modelValue.get();
            long next = plus(used, v);
            if ((double) next > allowed) {
                return false;
            }
            if (granted.compareAndSet(used, next)) {
                return true;
            }
        }
    }

    static long toMicros(double value) {
        return Math.round(value * MICROS);
    }
}
