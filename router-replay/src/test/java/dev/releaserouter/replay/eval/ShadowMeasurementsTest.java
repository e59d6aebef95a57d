package dev.releaserouter.replay.eval;

import static dev.releaserouter.replay.eval.TestPairs.failed;
import static dev.releaserouter.replay.eval.TestPairs.pair;
import static dev.releaserouter.replay.eval.TestPairs.scores;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowPair;
import dev.releaserouter.stats.PopulationStability;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShadowMeasurementsTest {

    @Test
    void fromPairs_countsOutcomesComparisonsAndMatches() {
        List<ShadowPair> pairs = List.of(
                pair(1).build(),
                pair(2).candidateOutputJson("\"no\"").match(false).build(),
                failed(3, ShadowOutcome.ERROR).build(),
                failed(4, ShadowOutcome.TIMEOUT).build(),
                pair(5).outcome(ShadowOutcome.INVALID_OUTPUT).match(null).build());

        ShadowMeasurements m = ShadowMeasurements.fromPairs(pairs, null);

        assertThat(m.model()).isEqualTo("churn");
        assertThat(m.stableVersion()).isEqualTo("v1");
        assertThat(m.candidateVersion()).isEqualTo("v2");
        assertThat(m.successes()).isEqualTo(2);
        assertThat(m.errors()).isEqualTo(1);
        assertThat(m.timeouts()).isEqualTo(1);
        assertThat(m.invalidOutputs()).isEqualTo(1);
        assertThat(m.calls()).isEqualTo(5);
        assertThat(m.comparisons()).isEqualTo(2);
        assertThat(m.matches()).isEqualTo(1);
        assertThat(m.matchRate()).isEqualTo(0.5);
        assertThat(m.failureRate()).isEqualTo(0.6);
        assertThat(m.fallbacks()).isZero();
        assertThat(m.servedFromShadow()).isZero();
    }

    @Test
    void fromPairs_takesType7LatencyQuantiles_overCallsThatAnswered() {
        List<ShadowPair> pairs = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            pairs.add(pair(i).stableLatencyNanos(i * 1_000_000L)
                    .candidateLatencyNanos(2 * i * 1_000_000L).build());
        }
        // Neither an error (fast) nor a timeout (no latency) enters the latency sample.
        pairs.add(failed(101, ShadowOutcome.ERROR).stableLatencyNanos(999_000_000L).build());
        pairs.add(failed(102, ShadowOutcome.TIMEOUT).build());

        ShadowMeasurements m = ShadowMeasurements.fromPairs(pairs, null);

        assertThat(m.stableLatency().count()).isEqualTo(100);
        assertThat(m.stableLatency().p50Ms()).isCloseTo(50.5, within(1e-9));
        assertThat(m.stableLatency().p95Ms()).isCloseTo(95.05, within(1e-9));
        assertThat(m.stableLatency().p99Ms()).isCloseTo(99.01, within(1e-9));
        assertThat(m.candidateLatency().count()).isEqualTo(100);
        assertThat(m.candidateLatency().p95Ms()).isCloseTo(190.1, within(1e-9));
    }

    @Test
    void latencySummaryOfNanos_matchesRType7() {
        // R: quantile(c(3, 1, 4, 1, 5), c(.5, .95, .99), type = 7) -> 3.00 4.80 4.96
        LatencySummary l = LatencySummary.ofNanos(new long[] {3_000_000, 1_000_000, 4_000_000,
                1_000_000, 5_000_000});

        assertThat(l.count()).isEqualTo(5);
        assertThat(l.p50Ms()).isCloseTo(3.0, within(1e-12));
        assertThat(l.p95Ms()).isCloseTo(4.8, within(1e-12));
        assertThat(l.p99Ms()).isCloseTo(4.96, within(1e-12));
    }

    @Test
    void fromPairs_summarizesFiniteDeltas() {
        List<ShadowPair> pairs = new ArrayList<>();
        for (int i = 0; i <= 20; i++) {
            pairs.add(scores(i, 0.5, 0.5 + (i - 10) / 100.0).build());
        }
        pairs.add(pair(99).build()); // no delta (NaN)

        DeltaSummary d = ShadowMeasurements.fromPairs(pairs, null).scoreDelta();

        assertThat(d.n()).isEqualTo(21);
        assertThat(d.mean()).isCloseTo(0, within(1e-12));
        assertThat(d.min()).isCloseTo(-0.1, within(1e-12));
        assertThat(d.max()).isCloseTo(0.1, within(1e-12));
        assertThat(d.p05()).isCloseTo(-0.09, within(1e-12));
        assertThat(d.p50()).isCloseTo(0, within(1e-12));
        assertThat(d.p95()).isCloseTo(0.09, within(1e-12));
    }

    @Test
    void fromPairs_psiOfIdenticalScoreDistributions_isZero() {
        List<ShadowPair> pairs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            pairs.add(scores(i, i / 200.0, i / 200.0).build());
        }

        ShadowMeasurements m = ShadowMeasurements.fromPairs(pairs, null);

        assertThat(m.psi()).isZero();
        assertThat(m.psiSamples()).isEqualTo(200);
    }

    @Test
    void fromPairs_psi_isPopulationStabilityOverTheStableScoresDeciles() {
        double[] stable = new double[300];
        double[] candidate = new double[300];
        List<ShadowPair> pairs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            stable[i] = (i % 100) / 100.0;
            candidate[i] = Math.min(1, stable[i] * 1.3);
            pairs.add(scores(i, stable[i], candidate[i]).build());
        }
        double[] edges = PopulationStability.quantileEdges(stable, 10);
        double expected = PopulationStability.index(PopulationStability.histogram(stable, edges),
                PopulationStability.histogram(candidate, edges)).value();

        ShadowMeasurements m = ShadowMeasurements.fromPairs(pairs, null);

        assertThat(expected).isGreaterThan(0.1);
        assertThat(m.psi()).isEqualTo(expected);
    }

    @Test
    void fromPairs_psiWithConstantStableScores_stillSeesAShift() {
        List<ShadowPair> pairs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            pairs.add(scores(i, 0.5, i < 50 ? 0.5 : 0.9).build());
        }

        assertThat(ShadowMeasurements.fromPairs(pairs, null).psi()).isGreaterThan(1);
    }

    @Test
    void fromPairs_readsScoresFromAFieldOrAPointer() {
        List<ShadowPair> byField = new ArrayList<>();
        List<ShadowPair> byPointer = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            byField.add(pair(i).stableOutputJson("{\"score\":0." + i + ",\"label\":\"a\"}")
                    .candidateOutputJson("{\"score\":0." + i + ",\"label\":\"a\"}").build());
            byPointer.add(pair(i).stableOutputJson("{\"result\":{\"p\":0." + i + "}}")
                    .candidateOutputJson("{\"result\":{\"p\":0." + i + "}}").build());
        }

        assertThat(ShadowMeasurements.fromPairs(byField, "score").psiSamples()).isEqualTo(10);
        assertThat(ShadowMeasurements.fromPairs(byField, null).psiSamples()).isZero();
        assertThat(ShadowMeasurements.fromPairs(byPointer, "/result/p").psiSamples())
                .isEqualTo(10);
    }

    @Test
    void fromPairs_nonNumericOutputs_haveNoPsi() {
        ShadowMeasurements m = ShadowMeasurements.fromPairs(
                List.of(pair(1).build(), pair(2).build()), "score");

        assertThat(m.psi()).isNaN();
        assertThat(m.psiSamples()).isZero();
    }

    @Test
    void scoreOf_acceptsOnlyFiniteNumbers() {
        assertThat(ShadowMeasurements.scoreOf("0.25", null)).hasValue(0.25);
        assertThat(ShadowMeasurements.scoreOf("{\"score\":3}", "score")).hasValue(3);
        assertThat(ShadowMeasurements.scoreOf("{\"p\":{\"s\":0.5}}", "/p/s")).hasValue(0.5);
        assertThat(ShadowMeasurements.scoreOf("{\"score\":\"3\"}", "score")).isEmpty();
        assertThat(ShadowMeasurements.scoreOf("{\"x\":3}", "score")).isEmpty();
        assertThat(ShadowMeasurements.scoreOf("[3]", "score")).isEmpty();
        assertThat(ShadowMeasurements.scoreOf(null, "score")).isEmpty();
    }

    @Test
    void scoreOf_notJson_isEmpty() {
        assertThat(ShadowMeasurements.scoreOf("not json {", "score")).isEmpty();
        assertThat(ShadowMeasurements.scoreOf("", null)).isEmpty();
    }

    @Test
    void fromPairs_rejectsMixedGroups_namingBoth() {
        List<ShadowPair> pairs = List.of(pair(1).build(),
                pair(2).candidateVersion("v3").build());

        assertThatIllegalArgumentException()
                .isThrownBy(() -> ShadowMeasurements.fromPairs(pairs, null))
                .withMessage("pairs must share one model, stable version and candidate version,"
                        + " but found model 'churn' v1 -> v2 and model 'churn' v1 -> v3;"
                        + " select one group first");
    }

    @Test
    void fromPairs_ofNothing_isEmpty() {
        ShadowMeasurements m = ShadowMeasurements.fromPairs(List.of(), null);

        assertThat(m).isEqualTo(ShadowMeasurements.builder().build());
        assertThat(m.matchRate()).isNaN();
        assertThat(m.failureRate()).isNaN();
    }

    @Test
    void fromPairs_rejectsFewerThanTwoPsiBins() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ShadowMeasurements.fromPairs(List.of(), null, 1))
                .withMessage("psiBins must be >= 2, but was 1");
    }

    @Test
    void builder_rejectsMoreMatchesThanComparisons() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ShadowMeasurements.builder().comparisons(1).matches(2).build())
                .withMessage("matches must be <= comparisons, but were 2 and 1");
    }

    @Test
    void toBuilder_addsRouterCounters() {
        ShadowMeasurements m = ShadowMeasurements.fromPairs(List.of(pair(1).build()), null);

        ShadowMeasurements withCounters = m.toBuilder().fallbacks(2).build();

        assertThat(withCounters.fallbacks()).isEqualTo(2);
        assertThat(withCounters.toBuilder().fallbacks(0).build()).isEqualTo(m);
    }
}
