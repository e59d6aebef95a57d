package dev.releaserouter.rollout.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

/**
 * Compares two {@link ArmStats} number by number (NaN equals NaN). Public in the test-jar: fleet
 * stores (router-redis) check their merged windows with it.
 */
public final class StatsAssertions {

    private StatsAssertions() {}

    /**
     * @param a one arm's statistics
     * @param b the statistics they must equal
     */
    public static void assertSameStats(ArmStats a, ArmStats b) {
        String at = a.version() + " " + a.from() + ".." + a.to();
        assertThat(a.from()).as(at).isEqualTo(b.from());
        assertThat(a.to()).as(at).isEqualTo(b.to());
        assertThat(a.windows()).as(at + " windows").isEqualTo(b.windows());
        assertThat(a.requests()).as(at + " requests").isEqualTo(b.requests());
        assertThat(a.errors()).as(at + " errors").isEqualTo(b.errors());
        same(at + " p50", a.p50Ms(), b.p50Ms());
        same(at + " p95", a.p95Ms(), b.p95Ms());
        same(at + " p99", a.p99Ms(), b.p99Ms());
        assertThat(a.scores()).as(at + " scores").isEqualTo(b.scores());
        assertThat(a.scoreHistogram()).as(at + " score bins").containsExactly(b.scoreHistogram());
        same(at + " avg score", a.avgScore(), b.avgScore());
        same(at + " score variance", a.variance("avg_score"), b.variance("avg_score"));
        same(at + " cost/1k calls", a.costPer1kCalls(), b.costPer1kCalls());
        same(at + " cost/1k tokens", a.costPer1kTokens(), b.costPer1kTokens());
        assertThat(a.samples("cost_per_call")).isEqualTo(b.samples("cost_per_call"));
        assertThat(a.samples("cost_per_1k_tokens")).isEqualTo(b.samples("cost_per_1k_tokens"));
        assertThat(a.labels()).as(at + " labels").isEqualTo(b.labels());
        same(at + " mae", a.mae(), b.mae());
        same(at + " mae variance", a.variance("mae"), b.variance("mae"));
        for (String metric : List.of("error_rate", "avg_score", "cost_per_call")) {
            MetricEstimate x = a.estimate(metric).orElseThrow();
            MetricEstimate y = b.estimate(metric).orElseThrow();
            assertThat(x.method()).as(at + " " + metric + " method").isEqualTo(y.method());
            assertThat(x.clusters()).as(at + " " + metric + " clusters").isEqualTo(y.clusters());
            same(at + " " + metric + " estimate", x.value(), y.value());
            same(at + " " + metric + " standard error", x.standardError(), y.standardError());
        }
        assertThat(a.outcomeCounts()).as(at + " outcome counts").isEqualTo(b.outcomeCounts());
        assertThat(a.outcomeMeans().keySet()).isEqualTo(b.outcomeMeans().keySet());
        for (Map.Entry<String, Double> e : b.outcomeMeans().entrySet()) {
            same(at + " mean of " + e.getKey(), a.outcomeMeans().get(e.getKey()), e.getValue());
            same(at + " variance of " + e.getKey(), a.outcomeVariances().get(e.getKey()),
                    b.outcomeVariances().get(e.getKey()));
        }
    }

    /** Equal, or both NaN (the paths add the same numbers in the same order). */
    private static void same(String what, double actual, double expected) {
        assertThat(Double.compare(actual, expected)).as(what + ": " + actual + " vs " + expected)
                .isZero();
    }
}
