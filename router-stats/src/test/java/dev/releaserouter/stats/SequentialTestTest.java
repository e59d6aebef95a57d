package dev.releaserouter.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SequentialTestTest {

    @Test
    void observe_matchesMixtureLikelihoodRatioFormula() {
        // R 4.2.2: mc <- .10; mt <- .13; v <- mc*(1-mc)/1000 + mt*(1-mt)/1000; tau <- .02
        // th <- mt - mc; ll <- .5*log(v/(v+tau^2)) + th^2*tau^2/(2*v*(v+tau^2))
        // ll 0.92532011780976808, exp(-ll) 0.39640450262080684
        // h <- sqrt(v*(v+tau^2)/tau^2*(2*log(1/.05) + log((v+tau^2)/v)))
        // th + c(-1, 1)*h  # -0.016562000466924159 0.076562000466924157
        SequentialTest test = SequentialTest.start(MetricKind.CONVERSION, 0.02, 0.05)
                .observe(ArmSummary.ofConversions(1000, 100), ArmSummary.ofConversions(1000, 130));
        assertThat(test.looks()).isEqualTo(1);
        assertThat(test.logLikelihoodRatio()).isCloseTo(0.92532011780976808,
                withinPercentage(1e-9));
        assertThat(test.pValue()).isCloseTo(0.39640450262080684, withinPercentage(1e-9));
        assertThat(test.confidenceSequence().lower())
                .isCloseTo(-0.016562000466924159, withinPercentage(1e-9));
        assertThat(test.confidenceSequence().upper())
                .isCloseTo(0.076562000466924157, withinPercentage(1e-9));
        assertThat(test.rejected()).isFalse();
    }

    @Test
    void pValue_isARunningMinimumOverLooks() {
        SequentialTest test = SequentialTest.start(MetricKind.CONVERSION, 0.02, 0.05)
                .observe(ArmSummary.ofConversions(10_000, 1000),
                        ArmSummary.ofConversions(10_000, 1200));
        double early = test.pValue();
        // The difference vanishes later on, but the evidence already seen stays.
        SequentialTest later = test.observe(ArmSummary.ofConversions(20_000, 2000),
                ArmSummary.ofConversions(20_000, 2000));
        assertThat(early).isLessThan(1e-3);
        assertThat(later.pValue()).isEqualTo(early);
        assertThat(later.rejected()).isTrue();
        assertThat(later.looks()).isEqualTo(2);
    }

    @Test
    void observe_withoutVariance_countsTheLookButAddsNoEvidence() {
        SequentialTest test = SequentialTest.start(MetricKind.CONTINUOUS, 1, 0.05)
                .observe(ArmSummary.ofValues(1), ArmSummary.ofValues(2))
                .observe(ArmSummary.empty(), ArmSummary.empty());
        assertThat(test.looks()).isEqualTo(2);
        assertThat(test.pValue()).isEqualTo(1.0);
        assertThat(test.confidenceSequence()).isEqualTo(Interval.unbounded());
    }

    @Test
    void hugeEffect_reportsLogPValueBeyondUnderflow() {
        SequentialTest test = SequentialTest.start(MetricKind.CONVERSION, 0.01, 0.05)
                .observe(ArmSummary.ofConversions(10_000_000, 1_000_000),
                        ArmSummary.ofConversions(10_000_000, 2_000_000));
        assertThat(test.pValue()).isZero();
        assertThat(test.logPValue()).isLessThan(-10_000);
    }

    @Test
    void nullExperimentsPeekedAtEveryWindow_keepFalsePositivesBelowAlpha() {
        // 400 A/A experiments, 25 looks of 200 units per arm each, conversion rate 10%.
        Random random = new Random(20_170_813);
        int fixedHorizonFalsePositives = 0;
        int sequentialFalsePositives = 0;
        for (int experiment = 0; experiment < 400; experiment++) {
            long cc = 0;
            long ct = 0;
            boolean fixedRejected = false;
            SequentialTest test = SequentialTest.start(MetricKind.CONVERSION, 0.01, 0.05);
            for (int look = 1; look <= 25; look++) {
                for (int unit = 0; unit < 200; unit++) {
                    cc += random.nextDouble() < 0.1 ? 1 : 0;
                    ct += random.nextDouble() < 0.1 ? 1 : 0;
                }
                ArmSummary control = ArmSummary.ofConversions(200L * look, cc);
                ArmSummary treatment = ArmSummary.ofConversions(200L * look, ct);
                fixedRejected |= Proportions.zTest(control, treatment).significantAt(0.05);
                test = test.observe(control, treatment);
            }
            fixedHorizonFalsePositives += fixedRejected ? 1 : 0;
            sequentialFalsePositives += test.rejected() ? 1 : 0;
        }
        // Peeking at a fixed-horizon test inflates 5% to 26% (104 of 400 with this seed); the
        // mSPRT rejects 2 of 400 and must stay at or below 5%.
        assertThat(fixedHorizonFalsePositives).isGreaterThan(80);
        assertThat(sequentialFalsePositives).isLessThanOrEqualTo(20);
    }

    @Test
    void realEffect_isDetectedAndCoveredByTheConfidenceSequence() {
        Random random = new Random(7);
        long cc = 0;
        long ct = 0;
        SequentialTest test = SequentialTest.start(MetricKind.CONVERSION, 0.02, 0.05);
        for (int look = 1; look <= 40; look++) {
            for (int unit = 0; unit < 500; unit++) {
                cc += random.nextDouble() < 0.10 ? 1 : 0;
                ct += random.nextDouble() < 0.13 ? 1 : 0;
            }
            test = test.observe(ArmSummary.ofConversions(500L * look, cc),
                    ArmSummary.ofConversions(500L * look, ct));
        }
        assertThat(test.rejected()).isTrue();
        assertThat(test.confidenceSequence().contains(0.03)).isTrue();
        assertThat(test.confidenceSequence().isAboveZero()).isTrue();
    }

    @Test
    void invalidArguments_areRejected() {
        assertThatThrownBy(() -> SequentialTest.start(MetricKind.CONVERSION, 0, 0.05))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mixingStandardDeviation must be a finite number > 0, but was 0.0");
        assertThatThrownBy(() -> SequentialTest.start(MetricKind.CONVERSION, 0.1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("alpha must be in (0, 1), but was 1.0");
    }
}
