package dev.releaserouter.replay.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class ShadowCriteriaTest {

    @Test
    void defaults_areTheShadowSla() {
        ShadowCriteria c = ShadowCriteria.defaults();

        assertThat(c.minMatchRate()).isEqualTo(0.95);
        assertThat(c.maxFailureRate()).isEqualTo(0.03);
        assertThat(c.maxP95IncreasePct()).isEqualTo(15.0);
        assertThat(c.maxPsi()).isEqualTo(0.2);
        assertThat(c.maxAbsMeanDelta()).isNaN();
        assertThat(c.minSamples()).isEqualTo(100);
        assertThat(ShadowCriteria.builder().build()).isEqualTo(c);
    }

    @Test
    void toBuilder_keepsEveryValue() {
        ShadowCriteria c = ShadowCriteria.builder().minMatchRate(0.9).maxFailureRate(0.1)
                .maxP95IncreasePct(-5).maxPsi(Double.NaN).maxAbsMeanDelta(0.01).minSamples(7)
                .build();

        assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
    }

    @Test
    void builder_rejectsARateOutsideTheUnitInterval_namingIt() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ShadowCriteria.builder().minMatchRate(1.5))
                .withMessage("minMatchRate must be between 0 and 1, but was 1.5");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ShadowCriteria.builder().maxFailureRate(Double.NaN))
                .withMessage("maxFailureRate must be between 0 and 1, but was NaN");
    }

    @Test
    void builder_rejectsImpossibleThresholds() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ShadowCriteria.builder().maxP95IncreasePct(-100))
                .withMessageContaining("maxP95IncreasePct");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ShadowCriteria.builder().maxPsi(-0.1))
                .withMessageContaining("maxPsi");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ShadowCriteria.builder().maxAbsMeanDelta(
                        Double.POSITIVE_INFINITY))
                .withMessageContaining("maxAbsMeanDelta");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ShadowCriteria.builder().minSamples(0))
                .withMessage("minSamples must be >= 1, but was 0");
    }
}
