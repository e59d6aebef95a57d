package dev.releaserouter.core.budget.internal;

import dev.releaserouter.api.config.ExposureBudget;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Budget consumption per model and candidate, kept across snapshots. Thread-safe.
 */
public final class BudgetLedger {

    private final ConcurrentHashMap<String, AtomicLong> modelValue = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, BudgetState> states = new ConcurrentHashMap<>();

    /**
     * Compiles a budget for a snapshot, bound to the persistent consumption state.
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
        WindowCounter window = budget.window().isEmpty() ? state.history()
                : state.windowFor(budget.window().get().toMillis(), clock);
        AtomicLong total = budget.limitsValueShare() ? modelValueTotal(model) : null;
        return new CompiledBudget(budget, state, window, total, clock);
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
        return states.computeIfAbsent(model + '\u0000' + version, k -> new BudgetState());
    }

    /**
     * @param model the model
     * @param version the candidate
     * @return its consumption state, or null if it never had a budget
     */
    public @Nullable BudgetState find(String model, String version) {
        return states.get(model + '\u0000' + version);
    }
}
