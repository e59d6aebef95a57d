package dev.releaserouter.api.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShadowStatisticsTest {

    @Test
    void builder_withNothingRecorded_hasZeroCountsAndEmptyOptionals() {
        ShadowStatistics s = ShadowStatistics.builder("churn", "v2").build();

        assertThat(s.model()).isEqualTo("churn");
        assertThat(s.candidateVersion()).isEqualTo("v2");
        assertThat(s.outcomes()).hasSize(ShadowOutcome.values().length).containsValue(0L)
                .doesNotContainValue(1L);
        assertThat(s.calls()).isZero();
        assertThat(s.matchRate()).isEmpty();
        assertThat(s.stableLatency()).isEmpty();
        assertThat(s.candidateLatency()).isEmpty();
        assertThat(s.scoreDeltas()).isEmpty();
    }

    @Test
    void builder_withEverything_exposesNamedValues() {
        LatencyPercentiles stable = LatencyPercentiles.ofNanos(1_000, 2_000, 3_000);
        LatencyPercentiles candidate = new LatencyPercentiles(Duration.ofMillis(1),
                Duration.ofMillis(2), Duration.ofMillis(5));
        ScoreDeltas deltas = new ScoreDeltas(4, 0.01, -0.2, 0.3, -0.1, 0.0, 0.2);

        ShadowStatistics s = ShadowStatistics.builder("churn", "v2")
                .outcomes(Map.of(ShadowOutcome.SUCCESS, 4L, ShadowOutcome.TIMEOUT, 1L))
                .dispositions(Map.of(ShadowDisposition.SCHEDULED, 5L))
                .fallbacks(Map.of(FallbackCause.ERROR, 2L))
                .comparisons(4, 3)
                .primaryInvalidOutputs(1)
                .stableLatency(stable)
                .candidateLatency(candidate)
                .scoreDeltas(deltas)
                .build();

        assertThat(s.calls()).isEqualTo(5);
        assertThat(s.dispositions()).containsEntry(ShadowDisposition.SCHEDULED, 5L)
                .containsEntry(ShadowDisposition.DROPPED, 0L);
        assertThat(s.fallbacks()).containsEntry(FallbackCause.ERROR, 2L);
        assertThat(s.comparisons()).isEqualTo(4);
        assertThat(s.matches()).isEqualTo(3);
        assertThat(s.primaryInvalidOutputs()).isEqualTo(1);
        assertThat(s.matchRate()).hasValue(0.75);
        assertThat(s.stableLatency()).contains(stable);
        assertThat(s.stableLatency().orElseThrow().p95()).isEqualTo(Duration.ofNanos(2_000));
        assertThat(s.candidateLatency().orElseThrow().p99()).isEqualTo(Duration.ofMillis(5));
        assertThat(s.scoreDeltas()).contains(deltas);
    }

    @Test
    void builder_rejectsMoreMatchesThanComparisons() {
        assertThatThrownBy(() -> ShadowStatistics.builder("m", "v2").comparisons(2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 matches of 2 comparisons");
        assertThatThrownBy(() -> ShadowStatistics.builder("m", "v2").primaryInvalidOutputs(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void latencyPercentiles_rejectsNegativeOrUnorderedValues() {
        assertThatThrownBy(() -> LatencyPercentiles.ofNanos(-1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("p50");
        assertThatThrownBy(() -> LatencyPercentiles.ofNanos(5, 4, 6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in order");
    }

    @Test
    void scoreDeltas_existOnlyWithFiniteStatisticsOfAtLeastOneDelta() {
        assertThatThrownBy(() -> new ScoreDeltas(0, 0, 0, 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("count");
        assertThatThrownBy(() -> new ScoreDeltas(1, Double.NaN, 0, 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mean");
        assertThatThrownBy(() -> new ScoreDeltas(2, 0, 1, -1, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min");
    }
}
