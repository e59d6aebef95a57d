package dev.releaserouter.core.shadow.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowStatistics;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class VersionStatsTest {

    @Test
    void snapshot_beforeAnyCall_hasNoLatenciesMatchRateNorDeltas() {
        ShadowStatistics s = new VersionStats("churn", "v2").snapshot();

        assertThat(s.stableLatency()).isEmpty();
        assertThat(s.candidateLatency()).isEmpty();
        assertThat(s.matchRate()).isEmpty();
        assertThat(s.scoreDeltas()).isEmpty();
    }

    @Test
    void snapshot_timedOutCall_hasStableLatencyButNoCandidateLatency() {
        VersionStats stats = new VersionStats("churn", "v2");

        stats.outcome(ShadowOutcome.TIMEOUT, 1_500, -1);

        ShadowStatistics s = stats.snapshot();
        assertThat(s.stableLatency()).isPresent();
        assertThat(s.stableLatency().orElseThrow().p50()).isEqualTo(Duration.ofNanos(1_503));
        assertThat(s.candidateLatency()).isEmpty();
    }

    @Test
    void snapshot_afterComparisons_namesMatchRateAndDeltaStatistics() {
        VersionStats stats = new VersionStats("churn", "v2");
        stats.comparison(true, 0.1);
        stats.comparison(false, -0.3);
        stats.comparison(true, Double.NaN); // not numeric: compared, no delta

        ShadowStatistics s = stats.snapshot();

        assertThat(s.matchRate().orElseThrow()).isCloseTo(2.0 / 3, within(1e-12));
        var d = s.scoreDeltas().orElseThrow();
        assertThat(d.count()).isEqualTo(2);
        assertThat(d.mean()).isCloseTo(-0.1, within(1e-12));
        assertThat(d.min()).isEqualTo(-0.3);
        assertThat(d.max()).isEqualTo(0.1);
        assertThat(d.p50()).isCloseTo(-0.1, within(1e-12));
        assertThat(d.p05()).isCloseTo(-0.28, within(1e-12));
        assertThat(d.p95()).isCloseTo(0.08, within(1e-12));
    }
}
