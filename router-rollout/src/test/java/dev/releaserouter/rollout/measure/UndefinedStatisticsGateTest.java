package dev.releaserouter.rollout.measure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.rollout.gates.CriterionResult;
import dev.releaserouter.rollout.gates.CriterionStatus;
import dev.releaserouter.rollout.gates.Policy;
import dev.releaserouter.rollout.gates.PolicyEvaluator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 item 2 as the gates see it: a statistic that is undefined (0 errors out of 500 in
 * both arms: z = 0/0) is not enough data, never a pass read from "p = 1" or the Wald interval
 * [0, 0].
 */
class UndefinedStatisticsGateTest {

    private static final Policy NON_INFERIORITY = Policy.parse(("{\"aliases\": {\"v1\":"
            + " \"stable\", \"v2\": \"candidate\"}, \"criteria\": [{\"name\": \"errors_ni\","
            + " \"type\": \"non_inferiority\", \"metric\": \"errors\", \"margin\": 0.001,"
            + " \"direction\": \"lower_is_better\", \"kind\": \"conversion\","
            + " \"severity\": \"CRITICAL\"}]}").getBytes(StandardCharsets.UTF_8), "ni.json");

    private static SnapshotGateInput input(long stableErrors, long candidateErrors) {
        Instant from = Instant.parse("2026-01-01T00:00:00Z");
        Instant to = from.plusSeconds(600);
        ArmStats v1 = ArmStats.builder("v1").period(from, to).windows(10)
                .counts(500, stableErrors).build();
        ArmStats v2 = ArmStats.builder("v2").period(from, to).windows(10)
                .counts(500, candidateErrors).build();
        MeasurementSnapshot s = new MeasurementSnapshot("churn", from, to, 60_000, 10,
                Map.of("v1", v1, "v2", v2), Map.of("v1", List.of(v1), "v2", List.of(v2)));
        return SnapshotGateInput.of(s, "v1", "v2");
    }

    @Test
    void nonInferiority_zeroErrorsInBothArms_isNotEnoughData() {
        // 0 of 500 is compatible with an error rate of 0.6% (upper 95% bound), far above the
        // 0.1% margin: nothing is shown. It used to pass on the interval [0, 0].
        CriterionResult r = PolicyEvaluator.evaluate(NON_INFERIORITY, input(0, 0))
                .criterion("errors_ni");
        assertThat(r.status()).isEqualTo(CriterionStatus.NOT_ENOUGH_DATA);
        assertThat(r.pValue()).isNaN();
    }

    @Test
    void nonInferiority_withErrors_isStillJudged() {
        CriterionResult r = PolicyEvaluator.evaluate(NON_INFERIORITY, input(1, 40))
                .criterion("errors_ni");
        assertThat(r.status()).isEqualTo(CriterionStatus.CRITICAL);
    }
}
