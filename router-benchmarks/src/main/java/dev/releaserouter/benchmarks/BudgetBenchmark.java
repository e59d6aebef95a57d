package dev.releaserouter.benchmarks;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.core.budget.internal.BudgetAccounts;
import dev.releaserouter.core.budget.internal.CompiledBudget;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One grant of an exposure budget, the part of {@code decide} that a budgeted candidate adds: a
 * rolling-window limit (check and count in the window's slots) and a total limit (count, and
 * record the grant in time so that a window added later knows it). The limits are far away, so
 * every call is granted; the clock is fixed, so no slot rotates.
 *
 * <p>Run: {@code ./mvnw -q -pl router-benchmarks -am -DskipTests package && java -jar
 * router-benchmarks/target/benchmarks.jar BudgetBenchmark -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BudgetBenchmark {

    private final RouteRequest request = RouteRequest.of("churn", "user-1");
    private CompiledBudget window;
    private CompiledBudget total;

    /** Compiles the two budgets. */
    @Setup
    public void setUp() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-22T00:00:00Z"), ZoneOffset.UTC);
        BudgetAccounts ledger = new BudgetAccounts();
        window = ledger.compile("churn", "v2", ExposureBudget.builder()
                .maxRequests(Long.MAX_VALUE / 2).window(Duration.ofHours(1)).build(), clock);
        total = ledger.compile("churn", "v3", ExposureBudget.builder()
                .maxRequests(Long.MAX_VALUE / 2).build(), clock);
    }

    /** @return whether granted (always) */
    @Benchmark
    public boolean windowLimit() {
        return window.tryAcquire(request);
    }

    /** @return whether granted (always) */
    @Benchmark
    public boolean totalLimit() {
        return total.tryAcquire(request);
    }
}
