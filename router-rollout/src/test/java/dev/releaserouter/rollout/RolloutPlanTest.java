package dev.releaserouter.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Plan validation names the field and the value. */
class RolloutPlanTest {

    private static RolloutPlan.Builder valid() {
        return RolloutPlan.builder().model("churn").stableVersion("v1").candidateVersion("v2")
                .stages(500, 2500, 5000, 10_000).checkpointDuration(Duration.ofMinutes(30))
                .minSamples(10).policy(RolloutFixture.policy(RolloutFixture.POLICY));
    }

    @Test
    void build_keepsTheValues() {
        RolloutPlan p = valid().dryRun(true).build();
        assertThat(p.stages()).containsExactly(500, 2500, 5000, 10_000);
        assertThat(p.checkpointDuration()).isEqualTo(Duration.ofMinutes(30));
        assertThat(p.minSamples()).isEqualTo(10);
        assertThat(p.dryRun()).isTrue();
        assertThat(p.toString()).contains("churn", "v2", "rollout-test");
    }

    @Test
    void seedStages_25_50_75_100_areValid() {
        assertThat(valid().stages(2500, 5000, 7500, 10_000).build().stages()).hasSize(4);
    }

    @Test
    void stages_mustBeStrictlyIncreasing() {
        assertThatThrownBy(() -> valid().stages(500, 500).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stages must be strictly increasing, but stages[1] was 500 after 500");
    }

    @Test
    void stages_mustBeWithinBasisPoints() {
        assertThatThrownBy(() -> valid().stages(500, 10_001).build())
                .hasMessage("stages[1] must be between 1 and 10000 basis points, but was 10001");
        assertThatThrownBy(() -> valid().stages(0).build())
                .hasMessageContaining("stages[0]").hasMessageContaining("but was 0");
        assertThatThrownBy(() -> valid().stages(new int[0]).build())
                .hasMessage("stages must not be empty, but was []");
    }

    @Test
    void otherFields_areValidated() {
        assertThatThrownBy(() -> valid().checkpointDuration(Duration.ZERO).build())
                .hasMessage("checkpointDuration must be positive, but was PT0S");
        assertThatThrownBy(() -> valid().minSamples(-1).build())
                .hasMessage("minSamples must be >= 0, but was -1");
        assertThatThrownBy(() -> valid().model(" ").build())
                .hasMessage("model must be a non-blank string, but was ' '");
        assertThatThrownBy(() -> valid().candidateVersion("v1").build())
                .hasMessageContaining("candidateVersion must differ");
        assertThatThrownBy(() -> RolloutPlan.builder().model("m").stableVersion("a")
                .candidateVersion("b").stages(100).build())
                .hasMessage("policy must be set, but was null");
    }
}
