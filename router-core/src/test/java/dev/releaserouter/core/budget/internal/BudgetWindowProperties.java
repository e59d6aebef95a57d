package dev.releaserouter.core.budget.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.core.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Budgets never overshoot across any sequence of window and limit changes: every grant, when it
 * is made, leaves at most {@code max_requests} grants in the window of the current length that
 * ends with it (and at most {@code max_requests} in total for a total limit), as a reference
 * model that remembers every grant's time checks.
 */
class BudgetWindowProperties {

    static final RouteRequest REQUEST = RouteRequest.of("churn", "k");

    sealed interface Step permits Advance, Attempt, Change {}

    record Advance(long millis) implements Step {}

    record Attempt(int times) implements Step {}

    /** windowMillis 0 means a total limit. */
    record Change(long max, long windowMillis) implements Step {}

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> advance = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 5_000),
                Arbitraries.longs().between(0, 3_600_000),
                Arbitraries.longs().between(0, 4 * 3_600_000L)).map(Advance::new);
        Arbitrary<Step> attempt = Arbitraries.integers().between(1, 60).map(Attempt::new);
        Arbitrary<Long> windows = Arbitraries.oneOf(
                Arbitraries.of(0L, 1_000L, 30_000L, 60_000L, 300_000L, 1_800_000L, 3_600_000L,
                        7_200_000L, 10_800_000L),
                Arbitraries.longs().between(1_000, 4 * 3_600_000L));
        Arbitrary<Step> change = Combinators.combine(
                Arbitraries.longs().between(0, 50), windows).as(Change::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, advance),
                net.jqwik.api.Tuple.of(5, attempt),
                net.jqwik.api.Tuple.of(2, change)).list().ofMaxSize(60);
    }

    @Property(tries = 300)
    void budgets_neverOvershoot_acrossAnySequenceOfWindowAndLimitChanges(
            @ForAll("steps") List<Step> steps) {
        MutableClock clock = MutableClock.at("2026-11-22T00:00:17.123Z");
        BudgetAccounts ledger = new BudgetAccounts();
        Change config = new Change(10, 3_600_000);
        CompiledBudget budget = compile(ledger, config, clock);
        List<Long> grants = new ArrayList<>();
        for (Step step : steps) {
            if (step instanceof Advance a) {
                clock.advance(Duration.ofMillis(a.millis()));
            } else if (step instanceof Change c) {
                config = c;
                budget = compile(ledger, c, clock);
            } else if (step instanceof Attempt a) {
                for (int i = 0; i < a.times(); i++) {
                    long now = clock.millis();
                    if (budget.tryAcquire(REQUEST)) {
                        grants.add(now);
                        long w = config.windowMillis();
                        long inWindow = w == 0 ? grants.size()
                                : grants.stream().filter(t -> t > now - w).count();
                        assertThat(inWindow).as("grants in the window ending at a grant, %s",
                                config).isLessThanOrEqualTo(config.max());
                    }
                }
            }
        }
        // Not stricter than it must be forever: once every window has passed, a windowed limit
        // grants again.
        if (config.windowMillis() > 0 && config.max() > 0) {
            clock.advance(Duration.ofDays(30));
            assertThat(budget.tryAcquire(REQUEST)).as("after 30 days, %s", config).isTrue();
        }
    }

    static CompiledBudget compile(BudgetAccounts ledger, Change c, MutableClock clock) {
        ExposureBudget.Builder b = ExposureBudget.builder().maxRequests(c.max());
        if (c.windowMillis() > 0) {
            b.window(Duration.ofMillis(c.windowMillis()));
        }
        return ledger.compile("churn", "v2", b.build(), clock);
    }

    @Test
    void grantsThroughASnapshotCompiledBeforeTheChange_countInTheNewWindow() {
        MutableClock clock = MutableClock.at("2026-11-22T00:00:00Z");
        BudgetAccounts ledger = new BudgetAccounts();
        CompiledBudget before = compile(ledger, new Change(100, 3_600_000), clock);
        CompiledBudget after = compile(ledger, new Change(100, 7_200_000), clock);
        int granted = 0;
        for (int i = 0; i < 60; i++) {
            granted += before.tryAcquire(REQUEST) ? 1 : 0;
        }
        for (int i = 0; i < 100; i++) {
            granted += after.tryAcquire(REQUEST) ? 1 : 0;
        }
        assertThat(granted).isEqualTo(100);
        assertThat(before.tryAcquire(REQUEST)).isFalse();
        clock.advance(Duration.ofMinutes(65));
        assertThat(after.tryAcquire(REQUEST)).as("inside the new 2h window").isFalse();
        assertThat(before.tryAcquire(REQUEST)).as("the old snapshot sees the new history")
                .isFalse();
    }

    @Test
    void windowCounter_keepsEveryGrantForAtLeastTheWholeWindow() {
        // 60 slots of 1 s: a grant at the end of one slot and another 59 s later, at the start of
        // a slot 60 slots on, are less than a window apart and must not both fit a limit of 1.
        WindowCounter w = new WindowCounter(60_000);
        assertThat(w.tryAcquire(999, 1)).isNotEqualTo(Long.MIN_VALUE);
        assertThat(w.tryAcquire(60_000, 1)).as("59.001 s later").isEqualTo(Long.MIN_VALUE);
        assertThat(w.tryAcquire(60_999, 1)).isEqualTo(Long.MIN_VALUE);
        assertThat(w.tryAcquire(62_000, 1)).isNotEqualTo(Long.MIN_VALUE);
    }
}
