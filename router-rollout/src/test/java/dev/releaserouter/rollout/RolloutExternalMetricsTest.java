package dev.releaserouter.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.rollout.gates.ExternalMetric;
import dev.releaserouter.rollout.gates.ExternalMetricSource;
import dev.releaserouter.rollout.gates.ExternalQuery;
import dev.releaserouter.rollout.gates.ExternalReadings;
import dev.releaserouter.rollout.gates.GateInput;
import dev.releaserouter.rollout.gates.TestSources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plan whose policy mixes the router's measurements and an external metric source: the
 * controller reads the source once per tick and acts on it like on any other criterion.
 */
class RolloutExternalMetricsTest {

    /** Fleet error rate from the source (CRITICAL), p95 from the router (ALERT). */
    static final String MIXED = "{\"name\": \"mixed\", \"min_samples\": 20,"
            + " \"metrics\": {\"fleet_error_rate\": {\"source\": \"fleet\"}},"
            + " \"criteria\": ["
            + "  {\"name\": \"fleet_errors\", \"fail_when\": \"candidate.fleet_error_rate > 0.01\","
            + "   \"severity\": \"CRITICAL\"},"
            + "  {\"name\": \"p95\", \"expr\": \"candidate.p95_ms <= 120\","
            + "   \"severity\": \"ALERT\"}]}";

    @TempDir
    Path dir;

    private final RolloutFixture f = new RolloutFixture();

    /** Answers the candidate's fleet error rate it is set to; counts its reads. */
    static final class Fleet implements ExternalMetricSource {
        volatile double candidateErrorRate = 0.001;
        final List<ExternalQuery> reads = new ArrayList<>();

        @Override
        public String name() {
            return "fleet";
        }

        @Override
        public ExternalReadings read(List<ExternalMetric> metrics, ExternalQuery query) {
            reads.add(query);
            return ExternalReadings.builder()
                    .put(GateInput.STABLE, "fleet_error_rate",
                            ExternalReadings.Reading.of(0.001, -1))
                    .put(GateInput.CANDIDATE, "fleet_error_rate",
                            ExternalReadings.Reading.of(candidateErrorRate, -1))
                    .build();
        }
    }

    @Test
    void goodFleetMetric_andGoodLocalMetric_walkEveryStage() {
        Fleet fleet = new Fleet();
        RolloutController c = f.start(f.plan(MIXED).metricSource(fleet).build(), dir);
        for (int i = 0; i < 4; i++) {
            f.checkpoint(c, 100, 60, 0);
        }
        assertThat(c.status()).isEqualTo(RolloutStatus.PROMOTED);
        assertThat(fleet.reads).hasSize(4);
        assertThat(fleet.reads.get(0).model()).isEqualTo("churn");
        assertThat(fleet.reads.get(0).candidateVersion()).isEqualTo("v2");
        assertThat(fleet.reads.get(0).window()).isEqualTo(RolloutFixture.CHECKPOINT);
        assertThat(fleet.reads.get(0).at()).isEqualTo(f.clock.instant().minus(
                RolloutFixture.CHECKPOINT.multipliedBy(3)));
    }

    @Test
    void badFleetMetric_rollsBack_althoughTheLocalMeasurementsAreGood() {
        Fleet fleet = new Fleet();
        RolloutController c = f.start(f.plan(MIXED).metricSource(fleet).build(), dir);
        f.checkpoint(c, 100, 60, 0);
        fleet.candidateErrorRate = 0.2;
        assertThat(f.checkpoint(c, 100, 60, 0)).isEqualTo(RolloutStatus.ROLLED_BACK);
        assertThat(c.decisions().get(c.decisions().size() - 1).reasons().toString())
                .contains("fleet_errors");
        assertThat(f.candidateShare()).isZero();
    }

    @Test
    void unreadableFleetMetric_holds_neverProceeds() {
        ExternalMetricSource down = TestSources.failing("fleet",
                new IllegalStateException("connection refused"));
        RolloutController c = f.start(f.plan(MIXED).metricSource(down).build(), dir);
        f.checkpoint(c, 100, 60, 0);
        f.checkpoint(c, 100, 60, 0);
        assertThat(c.status()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.currentBasisPoints()).isEqualTo(500);
        assertThat(c.tickFailures()).isZero();
        assertThat(c.decisions().get(2).action()).isEqualTo(RolloutAction.HOLD);
        assertThat(c.decisions().get(2).verdictJson()).contains("connection refused");
    }

    @Test
    void planWithoutTheSource_failsToBuild_namingThePointer() {
        assertThatThrownBy(() -> f.plan(MIXED).build())
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.pointer())
                        .isEqualTo("/metrics/fleet_error_rate/source"));
    }

    @Test
    void twoSourcesOfOneName_areRefused() {
        assertThatThrownBy(() -> f.plan(MIXED).metricSource(new Fleet())
                .metricSource(new Fleet()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'fleet' is already registered");
    }
}
