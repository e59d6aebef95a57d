package dev.releaserouter.api.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ComparisonAndPairTest {

    @Test
    void comparison_withoutANumericDelta_hasAnEmptyDelta_neverNaN() {
        assertThat(Comparison.of(true).delta()).isEmpty();
        assertThat(Comparison.of(false, Double.NaN)).isSameAs(Comparison.MISMATCH);
        assertThat(Comparison.of(true, Double.POSITIVE_INFINITY).delta()).isEmpty();
        assertThat(Comparison.of(true, 0.25).delta()).hasValue(0.25);
        assertThat(Comparison.of(false, -0.5).match()).isFalse();
    }

    @Test
    void pair_timedOutCandidate_hasNoLatencyMatchOrDelta() {
        ShadowPair timedOut = base().outcome(ShadowOutcome.TIMEOUT).build();
        assertThat(timedOut.candidateLatencyNanos()).isEmpty();
        assertThat(timedOut.match()).isEmpty();
        assertThat(timedOut.delta()).isEmpty();
    }

    @Test
    void pair_answeredCandidate_exposesLatencyMatchAndDelta() {
        ShadowPair ok = base().outcome(ShadowOutcome.SUCCESS).match(false).delta(0.25)
                .candidateLatencyNanos(3_400).build();
        assertThat(ok.candidateLatencyNanos()).hasValue(3_400);
        assertThat(ok.match()).contains(false);
        assertThat(ok.delta()).hasValue(0.25);
    }

    private static ShadowPair.Builder base() {
        return ShadowPair.builder().time(Instant.EPOCH).model("m").stableVersion("v1")
                .candidateVersion("v2").entityKeyHash("h").inputJson("{}")
                .stableLatencyNanos(1_000);
    }
}
