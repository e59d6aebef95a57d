package dev.releaserouter.rollout.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.releaserouter.api.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code "min_samples_per": "metric"}: a criterion judged on the samples behind each metric it
 * reads ({@link GateInput#samples(String, String)}) rather than on the arm's requests, as the
 * shadow SLA needs (a match rate over comparisons, a p95 over answered calls).
 */
class MinSamplesPerMetricTest {

    private static final Policy POLICY = Policies.json("{\"min_samples\": 100, \"criteria\": ["
            + "{\"name\": \"match\", \"expr\": \"candidate.match_rate >= 0.95\","
            + " \"severity\": \"CRITICAL\", \"min_samples_per\": \"metric\"},"
            + "{\"name\": \"p95\", \"expr\": \"candidate.p95_ms <= stable.p95_ms * 1.15\","
            + " \"severity\": \"CRITICAL\", \"min_samples_per\": \"metric\"},"
            + "{\"name\": \"per_arm\", \"expr\": \"candidate.match_rate >= 0.95\","
            + " \"severity\": \"CRITICAL\"}]}");

    @Test
    void evaluate_perMetric_isNotEnoughDataWhenTheMetricsOwnSampleIsShort() {
        MapInput input = MapInput.of().set("candidate.match_rate", 0.5)
                .set("candidate.p95_ms", 10).set("stable.p95_ms", 10)
                .metricSamples("candidate", "match_rate", 99);

        GateVerdict v = PolicyEvaluator.evaluate(POLICY, input);

        CriterionResult match = v.criterion("match");
        assertThat(match.status()).isEqualTo(CriterionStatus.NOT_ENOUGH_DATA);
        assertThat(match.samples()).containsExactly(Map.entry("candidate", 99L));
        assertThat(match.detail()).isEqualTo(
                "candidate.match_rate has 99 samples, fewer than min_samples 100");
        // the arm has 100,000 requests: per arm, the same numbers fail
        assertThat(v.criterion("per_arm").status()).isEqualTo(CriterionStatus.CRITICAL);
    }

    @Test
    void evaluate_perMetric_judgesOnEnoughData_andReportsEachArmsSmallestMetricSample() {
        MapInput input = MapInput.of().set("candidate.match_rate", 0.5)
                .set("candidate.p95_ms", 12).set("stable.p95_ms", 10)
                .metricSamples("candidate", "match_rate", 100)
                .metricSamples("candidate", "p95_ms", 250)
                .metricSamples("stable", "p95_ms", 300);

        GateVerdict v = PolicyEvaluator.evaluate(POLICY, input);

        assertThat(v.criterion("match").status()).isEqualTo(CriterionStatus.CRITICAL);
        assertThat(v.criterion("match").samples())
                .containsExactly(Map.entry("candidate", 100L));
        assertThat(v.criterion("p95").status()).isEqualTo(CriterionStatus.CRITICAL);
        assertThat(v.criterion("p95").samples())
                .containsExactly(Map.entry("candidate", 250L), Map.entry("stable", 300L));
    }

    @Test
    void parse_refusesAnUnknownMinSamplesPer() {
        assertThatExceptionOfType(ConfigException.class).isThrownBy(() -> Policies.criteria(
                "{\"name\": \"m\", \"expr\": \"candidate.x > 0\", \"severity\": \"ALERT\","
                        + " \"min_samples_per\": \"request\"}"))
                .withMessageContaining("/criteria/0/min_samples_per")
                .withMessageContaining("min_samples_per must be \"arm\" or \"metric\"");
    }

    @Test
    void metricsRead_namesTheArmMetricsACriterionReads() {
        assertThat(POLICY.metricsRead("p95")).containsExactly("candidate.p95_ms",
                "stable.p95_ms");
        Policy psi = Policies.criteria("{\"name\": \"drift\", \"type\": \"psi\", \"max\": 0.2,"
                + " \"severity\": \"ALERT\"}");
        assertThat(psi.metricsRead("drift")).containsExactly("stable.score", "candidate.score");
        assertThatIllegalArgumentException().isThrownBy(() -> POLICY.metricsRead("nope"))
                .withMessage("no criterion named nope; the criteria are [match, p95, per_arm]");
    }
}
