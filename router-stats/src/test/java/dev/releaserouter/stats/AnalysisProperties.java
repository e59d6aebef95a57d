package dev.releaserouter.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Invariants of the sequential test and of the experiment analysis' verdict. */
class AnalysisProperties {

    @Provide
    Arbitrary<ArmSummary> arms() {
        return Arbitraries.longs().between(0, 1_000_000L).flatMap(n -> Arbitraries.longs()
                .between(0, n).map(c -> ArmSummary.ofConversions(n, c)));
    }

    @Property(tries = 200)
    void sequentialPValue_staysInUnitIntervalAndNeverIncreases(
            @ForAll @Size(min = 1, max = 15) List<@From("arms") ArmSummary> controls,
            @ForAll @Size(min = 1, max = 15) List<@From("arms") ArmSummary> treatments) {
        SequentialTest test = SequentialTest.start(MetricKind.CONVERSION, 0.01, 0.05);
        double previous = test.pValue();
        for (int i = 0; i < Math.min(controls.size(), treatments.size()); i++) {
            test = test.observe(controls.get(i), treatments.get(i));
            assertThat(test.pValue()).isBetween(0.0, 1.0).isLessThanOrEqualTo(previous);
            previous = test.pValue();
        }
    }

    @Property(tries = 300)
    void swappingArms_swapsBetterAndWorse(@ForAll("arms") ArmSummary a,
            @ForAll("arms") ArmSummary b) {
        AnalysisConfig config = AnalysisConfig.builder(MetricKind.CONVERSION).build();
        Verdict forward = ExperimentAnalysis.of(config, a, b).verdict();
        Verdict backward = ExperimentAnalysis.of(config, b, a).verdict();
        switch (forward) {
            case BETTER -> assertThat(backward).isEqualTo(Verdict.WORSE);
            case WORSE -> assertThat(backward).isEqualTo(Verdict.BETTER);
            default -> assertThat(backward).isEqualTo(forward);
        }
    }

    @Property(tries = 300)
    void reversingDirection_swapsBetterAndWorse(@ForAll("arms") ArmSummary a,
            @ForAll("arms") ArmSummary b) {
        AnalysisConfig higher = AnalysisConfig.builder(MetricKind.CONVERSION).build();
        AnalysisConfig lower = higher.toBuilder().direction(Direction.LOWER_IS_BETTER).build();
        Verdict up = ExperimentAnalysis.of(higher, a, b).verdict();
        Verdict down = ExperimentAnalysis.of(lower, a, b).verdict();
        if (up == Verdict.BETTER || up == Verdict.WORSE) {
            assertThat(down).isNotEqualTo(up).isIn(Verdict.BETTER, Verdict.WORSE);
        } else {
            assertThat(down).isEqualTo(up);
        }
    }
}
