package dev.releaserouter.core.budget.internal;

import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.spi.BudgetKey;
import dev.releaserouter.api.spi.BudgetLedger;
import dev.releaserouter.core.internal.Throwables;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Budget consumption per model and candidate, kept across snapshots: the local states (window
 * history, value share, the local allotment) and each candidate's account in the
 * {@link BudgetLedger} that holds the total request count. Thread-safe.
 */
public final class BudgetAccounts {

    private static final Logger LOG = LoggerFactory.getLogger(BudgetAccounts.class);

    private final BudgetLedger ledger;
    private final int allotment;
    private final AtomicLong ledgerFailures = new AtomicLong();
    private final ConcurrentHashMap<String, AtomicLong> modelValue = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, BudgetState> states = new ConcurrentHashMap<>();

    /** Accounts on a new in-memory ledger. */
    public BudgetAccounts() {
        this(BudgetLedger.inMemory());
    }

    /**
     * @param ledger where total request counts are consumed
     * @throws IllegalArgumentException if the ledger's allotment is not positive
     */
    public BudgetAccounts(BudgetLedger ledger) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        int a = ledger.allotment();
        if (a < 1) {
            throw new IllegalArgumentException("the budget ledger's allotment must be at least "
                    + "1, but was " + a);
        }
        this.allotment = a;
    }

    /**
     * Compiles a budget for a snapshot, bound to the persistent consumption state. Units a
     * local allotment holds are given back to the ledger first (a changed limit applies to
     * what is consumed from now on).
     *
     * @param model the model
     * @param version the candidate
     * @param budget the budget
     * @param clock the router's clock
     * @return the compiled budget
     */
    public CompiledBudget compile(String model, String version, ExposureBudget budget,
            Clock clock) {
        BudgetState state = state(model, version);
        state.resolve(this, model, version);
        state.giveBackAllotment(this);
        WindowCounter window = budget.window().isEmpty() ? state.history()
                : state.windowFor(budget.window().get().toMillis(), clock);
        BudgetLedger.WindowAccount fleetWindow = budget.window().isEmpty() ? null
                : state.resolveWindow(this, model, version, budget.window().get().toMillis());
        AtomicLong total = budget.limitsValueShare() ? modelValueTotal(model) : null;
        if (total != null) {
            state.resolveValue(this, model, version, total);
        }
        return new CompiledBudget(budget, state, window, fleetWindow, total, clock, this);
    }

    /**
     * @param model the model
     * @return the running total of the model's monetary value, in millionths
     */
    public AtomicLong modelValueTotal(String model) {
        return modelValue.computeIfAbsent(model, m -> new AtomicLong());
    }

    /**
     * @param model the model
     * @param version the candidate
     * @return its consumption state (created empty if new)
     */
    public BudgetState state(String model, String version) {
        return states.computeIfAbsent(model + '\u0000' + version,
                k -> new BudgetState());
    }

    /**
     * @param model the model
     * @param version the candidate
     * @return its consumption state, or null if it never had a budget
     */
    public @Nullable BudgetState find(String model, String version) {
        return states.get(model + '\u0000' + version);
    }

    /** @return ledger calls that failed (each one refused what it was asked for) */
    public long ledgerFailures() {
        return ledgerFailures.get();
    }

    /**
     * Returns every local allotment to the ledger, then closes the ledger; what fails is
     * counted, never thrown (except a fatal VM error).
     */
    public void close() {
        for (BudgetState s : states.values()) {
            s.giveBackAllotment(this);
        }
        ledger.close();
    }

    /** @return units the router takes from the ledger at a time */
    int allotment() {
        return allotment;
    }

    /** Counts a failed ledger call; logs the first one (then every 1000th). */
    void ledgerFailed(Throwable t) {
        Throwables.rethrowIfFatal(t);
        long n = ledgerFailures.incrementAndGet();
        if (n == 1 || n % 1000 == 0) {
            LOG.warn("Release Router: the budget ledger failed ({} failure(s) so far); budgeted "
                    + "candidates get no new exposure until it answers: {}", n, t.toString());
        }
    }

    /**
     * The ledger's fleet-wide value account of a candidate, or null to check the share locally
     * (the ledger has none, or failed: counted, and the share is then checked locally, which is
     * never looser than the ledger's default).
     */
    BudgetLedger.@Nullable ValueAccount valueAccount(String model, String version,
            AtomicLong modelTotal) {
        try {
            return ledger.valueAccount(new BudgetKey(model, version), modelTotal::get);
        } catch (Throwable t) {
            ledgerFailed(t);
            return null;
        }
    }

    /**
     * The ledger's fleet-wide window account of a candidate, or null to check the window
     * locally only (the ledger has none, or failed: counted; the local check is today's
     * per-instance behaviour).
     */
    BudgetLedger.@Nullable WindowAccount windowAccount(String model, String version,
            long windowMillis) {
        try {
            return ledger.windowAccount(new BudgetKey(model, version), windowMillis);
        } catch (Throwable t) {
            ledgerFailed(t);
            return null;
        }
    }

    /** Counts a grant refused because the ledger could not resolve the account. */
    void ledgerUnavailable() {
        if (ledgerFailures.incrementAndGet() == 1) {
            LOG.warn("Release Router: the budget ledger could not resolve an account; its "
                    + "candidate gets no new exposure until a configuration change retries");
        }
    }

    /**
     * The ledger account of a candidate, or null if the ledger cannot resolve it now (counted;
     * retried at the next compilation).
     */
    BudgetLedger.@Nullable Account account(String model, String version) {
        try {
            return Objects.requireNonNull(ledger.account(new BudgetKey(model, version)),
                    "the budget ledger returned no account");
        } catch (Throwable t) {
            ledgerFailed(t);
            return null;
        }
    }
}
