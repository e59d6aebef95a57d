package dev.releaserouter.replay.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.releaserouter.api.shadow.PolicyViolation;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowPair;
import dev.releaserouter.rollout.ShadowEvidence;
import dev.releaserouter.rollout.ShadowExitCriteria;
import dev.releaserouter.rollout.ShadowVerdict;
import dev.releaserouter.rollout.gates.GateDecision;
import dev.releaserouter.rollout.gates.Policy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What issue 20 added to {@code shadow_eval.json}: cost v1 vs v2 (seed 000 §2.2), policy
 * violations (seed 001 §4, §6) and a fairness spot-check per segment (seed 001 §3.5, §6), each
 * written only when measured. Expected numbers are worked out by hand in the comments.
 */
class ShadowEvalAdditionsTest {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    /**
     * 90 pairs, region LATAM: tenant "a" 40 pairs, 38 match, deltas +0.01; tenant "b" 40 pairs,
     * 30 match, deltas -0.03; tenant "c" 10 pairs, all match (too few to count in the gaps).
     * Outputs {"score": s, "cost": 1.0 stable / 1.2 candidate}. Pairs 0-4 report violations
     * (0, 1: critical pii_leak; 2, 3, 4: warning tone), pairs 5-59 were checked clean, 60-89 not
     * checked.
     */
    static List<ShadowPair> pairs() {
        List<ShadowPair> list = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            String tenant = i < 40 ? "a" : i < 80 ? "b" : "c";
            boolean match = tenant.equals("a") ? i < 38 : !tenant.equals("b") || i < 70;
            double delta = tenant.equals("a") ? 0.01 : tenant.equals("b") ? -0.03 : 0.0;
            ShadowPair.Builder p = TestPairs.pair(i)
                    .stableOutputJson("{\"score\":0.5,\"cost\":1.0}")
                    .candidateOutputJson("{\"score\":" + (0.5 + delta) + ",\"cost\":1.2}")
                    .match(match).delta(delta)
                    .tenant(tenant).region("LATAM");
            if (i < 2) {
                p.violations(List.of(PolicyViolation.critical("pii_leak")));
            } else if (i < 5) {
                p.violations(List.of(PolicyViolation.warning("tone")));
            } else if (i < 60) {
                p.violations(List.of());
            }
            list.add(p.build());
        }
        return list;
    }

    static ShadowMeasurements measured() {
        return ShadowMeasurements.reader().scoreField("score").costField("cost")
                .measure(pairs());
    }

    @Test
    void fairness_givesEachSegmentsMatchRate_andFlagsTheLargestGap() {
        FairnessCheck f = measured().fairness();

        assertThat(f.dimensions()).extracting(FairnessCheck.Dimension::name)
                .containsExactly("tenant", "region"); // no pair had a channel
        FairnessCheck.Dimension tenant = f.dimensions().get(0);
        assertThat(tenant.segments()).extracting(FairnessCheck.Segment::segment)
                .containsExactly("a", "b", "c");
        assertThat(tenant.segments().get(0).matchRate()).isEqualTo(38 / 40.0);
        assertThat(tenant.segments().get(1).matchRate()).isEqualTo(30 / 40.0);
        assertThat(tenant.segments().get(2).comparisons()).isEqualTo(10);
        // 0.95 - 0.75; "c" (1.0) has 10 comparisons < 30 and stays out of the gap
        assertThat(tenant.matchRateGap()).isCloseTo(0.20, within(1e-12));
        assertThat(tenant.deltaMeanGap()).isCloseTo(0.04, within(1e-12)); // 0.01 - (-0.03)
        assertThat(tenant.lowest()).isEqualTo("b");
        assertThat(tenant.highest()).isEqualTo("a");
        FairnessCheck.Dimension region = f.dimensions().get(1);
        assertThat(region.matchRateGap()).isNaN(); // one segment: no gap
        assertThat(f.largestDisparity()).contains(tenant);
    }

    @Test
    void violations_countThePairsThatRecordedThem() {
        ViolationCounts v = measured().violations();

        assertThat(v.checked()).isEqualTo(60);
        assertThat(v.total()).isEqualTo(5);
        assertThat(v.critical()).isEqualTo(2);
        assertThat(v.byPolicy()).containsExactly(
                java.util.Map.entry("pii_leak", new ViolationCounts.PolicyCount(2, 2)),
                java.util.Map.entry("tone", new ViolationCounts.PolicyCount(3, 0)));
    }

    @Test
    void cost_comparesTheMeanCostPerCall_ofBothVersions() {
        CostComparison c = measured().cost();

        assertThat(c.stableCalls()).isEqualTo(90);
        assertThat(c.stablePerCall()).isCloseTo(1.0, within(1e-12));
        assertThat(c.candidateCalls()).isEqualTo(90);
        assertThat(c.candidatePerCall()).isCloseTo(1.2, within(1e-12));
        assertThat(c.increasePct()).isCloseTo(20.0, within(1e-9)); // 100 (1.2 - 1) / 1
    }

    @Test
    void evidence_forAShadowPhase_carriesTheCostOfBothVersions_soItsCostLimitCanJudge() {
        ShadowMeasurements m = measured();
        ShadowEvidence e = m.evidence();

        assertThat(e.calls()).isEqualTo(m.calls());
        assertThat(e.comparisons()).isEqualTo(m.comparisons());
        assertThat(e.matches()).isEqualTo(m.matches());
        assertThat(e.costIncreasePct()).isCloseTo(20.0, within(1e-9));
        // The shadow phase's cost limit judges it: 20% more is over a 10% limit.
        ShadowVerdict v = ShadowExitCriteria.builder().maxCostIncreasePct(10).minComparisons(1)
                .build().judge(e);
        assertThat(v.result()).isEqualTo(ShadowVerdict.Result.FAIL);
        assertThat(String.join(" ", v.reasons())).contains("cost");
    }

    @Test
    void json_writesTheThreeBlocks_withTheHandComputedNumbers() {
        ShadowEvaluation eval = ShadowEvaluation.evaluate(measured(), ShadowCriteria.defaults());
        JsonNode m = MAPPER.readTree(eval.toJson()).get("measurements");

        assertThat(m.at("/cost/stable/calls").asLong()).isEqualTo(90);
        assertThat(m.at("/cost/stable/per_call").asDouble()).isCloseTo(1.0, within(1e-12));
        assertThat(m.at("/cost/candidate/calls").asLong()).isEqualTo(90);
        assertThat(m.at("/cost/candidate/per_call").asDouble()).isCloseTo(1.2, within(1e-12));
        assertThat(m.at("/cost/increase_pct").asDouble()).isCloseTo(20.0, within(1e-9));
        assertThat(m.get("policy_violations")).isEqualTo(MAPPER.readTree("""
                {"checked": 60, "total": 5, "critical": 2,
                 "by_policy": {"pii_leak": {"total": 2, "critical": 2},
                               "tone": {"total": 3, "critical": 0}}}"""));
        JsonNode fairness = m.get("fairness");
        assertThat(fairness.get("min_segment_comparisons").asInt()).isEqualTo(30);
        assertThat(fairness.at("/dimensions/0/dimension").asString()).isEqualTo("tenant");
        JsonNode b = fairness.at("/dimensions/0/segments/1");
        assertThat(b.propertyNames()).containsExactly("segment", "calls", "comparisons",
                "match_rate", "failure_rate", "score_delta_mean");
        assertThat(b.get("segment").asString()).isEqualTo("b");
        assertThat(b.get("calls").asLong()).isEqualTo(40);
        assertThat(b.get("comparisons").asLong()).isEqualTo(40);
        assertThat(b.get("match_rate").asDouble()).isEqualTo(0.75); // 30 / 40, exact
        assertThat(b.get("failure_rate").asDouble()).isZero();
        // the mean of forty -0.03s, summed in floating point
        assertThat(b.get("score_delta_mean").asDouble()).isCloseTo(-0.03, within(1e-12));
        assertThat(fairness.at("/dimensions/1/match_rate_gap").isNull()).isTrue();
        assertThat(fairness.at("/largest_disparity/dimension").asString()).isEqualTo("tenant");
        assertThat(fairness.at("/largest_disparity/metric").asString()).isEqualTo("match_rate");
        assertThat(fairness.at("/largest_disparity/lowest").asString()).isEqualTo("b");
        assertThat(fairness.at("/largest_disparity/highest").asString()).isEqualTo("a");
        assertThat(fairness.at("/largest_disparity/gap").asDouble())
                .isCloseTo(0.2, within(1e-12));
    }

    @Test
    void json_ofPairsWithoutSegmentsCostOrViolations_hasNoneOfTheNewBlocks() {
        List<ShadowPair> plain = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            plain.add(TestPairs.pair(i).build());
        }
        JsonNode m = MAPPER.readTree(ShadowEvaluation.evaluate(
                ShadowMeasurements.fromPairs(plain, null), ShadowCriteria.defaults()).toJson())
                .get("measurements");

        assertThat(m.has("cost")).isFalse();
        assertThat(m.has("policy_violations")).isFalse();
        assertThat(m.has("fairness")).isFalse();
    }

    @Test
    void gates_canNameTheNewMetrics_zeroCriticalViolationsAndAFairnessGap() {
        Policy p = Policy.parse(("{\"name\": \"shadow.guardrails\", \"min_samples\": 30,"
                + " \"criteria\": ["
                + "{\"name\": \"no_critical\", \"expr\": \"candidate.critical_policy_violations"
                + " <= 0\", \"severity\": \"CRITICAL\", \"min_samples\": 0},"
                + "{\"name\": \"fair\", \"expr\": \"candidate.fairness_match_rate_gap <= 0.1\","
                + " \"severity\": \"CRITICAL\", \"min_samples_per\": \"metric\"},"
                + "{\"name\": \"cost\", \"expr\": \"candidate.cost_increase_pct <= 25\","
                + " \"severity\": \"CRITICAL\", \"min_samples_per\": \"metric\"}]}")
                .getBytes(StandardCharsets.UTF_8), "guardrails.json")
                .requireMetrics(ShadowEvaluation.METRICS);

        ShadowEvaluation eval = ShadowEvaluation.evaluate(measured(), p);

        assertThat(eval.criterion("no_critical").orElseThrow().value()).isEqualTo(2);
        assertThat(ShadowEvaluation.failed(eval.criterion("no_critical").orElseThrow()))
                .isTrue();
        assertThat(ShadowEvaluation.failed(eval.criterion("fair").orElseThrow())).isTrue();
        assertThat(ShadowEvaluation.failed(eval.criterion("cost").orElseThrow())).isFalse();
        assertThat(eval.decision()).isEqualTo(GateDecision.ROLLBACK);
    }

    @Test
    void failedPairs_countAsSegmentFailures() {
        List<ShadowPair> list = new ArrayList<>(pairs());
        list.add(TestPairs.failed(200, ShadowOutcome.ERROR).tenant("c").build());
        FairnessCheck.Segment c = ShadowMeasurements.reader().measure(list).fairness()
                .dimensions().get(0).segments().get(2);
        assertThat(c.calls()).isEqualTo(11);
        assertThat(c.failures()).isEqualTo(1);
        assertThat(c.failureRate()).isEqualTo(1 / 11.0);
    }
}
