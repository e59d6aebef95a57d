package dev.releaserouter.replay.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.rollout.gates.CriterionResult;
import dev.releaserouter.rollout.gates.CriterionStatus;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The verdict is a function of the criteria's statuses, and thin data never passes. */
class ShadowEvaluationProperties {

    @Property(tries = 1000)
    void verdict_isPass_iffEveryCriterionPasses(@ForAll("measurements") ShadowMeasurements m,
            @ForAll("criteria") ShadowCriteria c) {
        ShadowEvaluation e = ShadowEvaluation.evaluate(m, c);

        boolean allPass = e.criteria().stream().allMatch(r -> r.status() == ShadowVerdicts.PASS);
        assertThat(ShadowVerdicts.verdict(e) == ShadowVerdicts.PASS).isEqualTo(allPass);
    }

    @Property(tries = 1000)
    void verdict_isFail_iffSomeCriterionFails(@ForAll("measurements") ShadowMeasurements m,
            @ForAll("criteria") ShadowCriteria c) {
        ShadowEvaluation e = ShadowEvaluation.evaluate(m, c);

        boolean anyFail = e.criteria().stream().anyMatch(r -> r.status() == ShadowVerdicts.FAIL);
        assertThat(ShadowVerdicts.verdict(e) == ShadowVerdicts.FAIL).isEqualTo(anyFail);
    }

    @Property(tries = 1000)
    void aCriterionIsJudged_onlyOnEnoughData(@ForAll("measurements") ShadowMeasurements m,
            @ForAll("criteria") ShadowCriteria c) {
        for (CriterionResult r : ShadowEvaluation.evaluate(m, c).criteria()) {
            // zero impact counts violations on any number of calls ("min_samples": 0)
            boolean zeroImpactViolated = r.name().equals(ShadowCriteria.SERVED_FROM_SHADOW);
            if (ShadowEvaluation.sampleSize(r) < c.minSamples() && !zeroImpactViolated) {
                assertThat(r.status()).as(r.toString()).isEqualTo(ShadowVerdicts.NOT_ENOUGH_DATA);
            } else if (r.status() != ShadowVerdicts.NOT_ENOUGH_DATA) {
                assertThat(r.status() == ShadowVerdicts.PASS)
                        .as(r.toString())
                        .isEqualTo(r.expression().contains(" >= ") ? r.value() >= r.threshold()
                                : r.value() <= r.threshold());
            }
        }
    }

    @Property(tries = 500)
    void fewerCallsThanMinSamples_neverPass(@ForAll("measurements") ShadowMeasurements m,
            @ForAll("criteria") ShadowCriteria c) {
        ShadowEvaluation e = ShadowEvaluation.evaluate(m, c);

        if (m.calls() < c.minSamples()) {
            assertThat(ShadowVerdicts.verdict(e)).isNotEqualTo(ShadowVerdicts.PASS);
        }
    }

    @Provide
    Arbitrary<ShadowMeasurements> measurements() {
        Arbitrary<Long> count = Arbitraries.longs().between(0, 400);
        Arbitrary<Double> ms = Arbitraries.doubles().between(0, 200);
        Arbitrary<LatencySummary> latency = Combinators.combine(count, ms)
                .as((n, p) -> n == 0 ? LatencySummary.EMPTY
                        : new LatencySummary(n, p / 2, p, p * 1.5));
        Arbitrary<Double> psi = Arbitraries.oneOf(Arbitraries.just(Double.NaN),
                Arbitraries.doubles().between(0, 0.5));
        Arbitrary<Double> mean = Arbitraries.doubles().between(-0.1, 0.1);
        Arbitrary<ShadowMeasurements.Builder> counts = Combinators.combine(count, count, count,
                count, Arbitraries.doubles().between(0, 1), count,
                Arbitraries.longs().between(0, 2))
                .as((s, e, t, i, matchShare, fallbacks, served) -> ShadowMeasurements.builder()
                        .successes(s).errors(e).timeouts(t).invalidOutputs(i)
                        .comparisons(s).matches(Math.round(s * matchShare))
                        .fallbacks(fallbacks / 20).servedFromShadow(served == 2 ? 1 : 0));
        return Combinators.combine(counts, latency, latency, psi, mean)
                .as((b, stable, candidate, p, d) -> {
                    long n = Math.min(stable.count(), candidate.count());
                    return b.stableLatency(stable).candidateLatency(candidate)
                            .psi(p, Double.isNaN(p) ? 0 : n)
                            .scoreDelta(n == 0 ? DeltaSummary.EMPTY
                                    : new DeltaSummary(n, d, d - 1, d + 1, d - 0.5, d, d + 0.5))
                            .build();
                });
    }

    @Provide
    Arbitrary<ShadowCriteria> criteria() {
        return Combinators.combine(
                Arbitraries.doubles().between(0.5, 1),
                Arbitraries.doubles().between(0, 0.2),
                Arbitraries.doubles().between(-50, 50),
                Arbitraries.oneOf(Arbitraries.just(Double.NaN),
                        Arbitraries.doubles().between(0, 0.3)),
                Arbitraries.oneOf(Arbitraries.just(Double.NaN),
                        Arbitraries.doubles().between(0, 0.1)),
                Arbitraries.longs().between(1, 300))
                .as((match, failure, p95, maxPsi, delta, min) -> ShadowCriteria.builder()
                        .minMatchRate(match).maxFailureRate(failure).maxP95IncreasePct(p95)
                        .maxPsi(maxPsi).maxAbsMeanDelta(delta).minSamples(min).build());
    }
}
