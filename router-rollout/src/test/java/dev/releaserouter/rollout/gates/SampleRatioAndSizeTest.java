package dev.releaserouter.rollout.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.releaserouter.api.config.ConfigException;
import org.junit.jupiter.api.Test;

/**
 * The criteria that say whether the data can be trusted and whether there is enough of it:
 * {@code sample_ratio} (SRM) and {@code sample_size} (power analysis).
 */
class SampleRatioAndSizeTest {

    static final Policy SRM = Policies.criteria("{\"name\": \"srm\", \"type\":"
            + " \"sample_ratio\"}");

    private static CriterionResult srm(Policy p, MapInput in) {
        return PolicyEvaluator.evaluate(p, in).criterion("srm");
    }

    @Test
    void sampleRatio_matchingTheWeights_isOk_andAMismatchHolds() {
        // scipy.stats.chisquare([9430, 570], f_exp=[9500, 500]): 10.31578947368421,
        // p 0.0013189686125793603; [9600, 400]: 21.05263157894737, p 4.468387345230037e-06.
        MapInput fine = MapInput.of().candidateShare(0.05).assigned("stable", 9430)
                .assigned("candidate", 570);
        MapInput broken = MapInput.of().candidateShare(0.05).assigned("stable", 9600)
                .assigned("candidate", 400);

        CriterionResult ok = srm(SRM, fine);
        GateVerdict v = PolicyEvaluator.evaluate(SRM, broken);

        assertThat(ok.status()).isEqualTo(CriterionStatus.OK);
        assertThat(ok.statistic()).isCloseTo(10.31578947368421, within(1e-12));
        assertThat(ok.pValue()).isCloseTo(0.0013189686125793603, within(1e-12));
        assertThat(v.decision()).isEqualTo(GateDecision.HOLD);
        CriterionResult r = v.criterion("srm");
        assertThat(r.status()).isEqualTo(CriterionStatus.ALERT);
        assertThat(r.severity()).isEqualTo(Severity.ALERT);
        assertThat(r.pValue()).isCloseTo(4.468387345230037e-06, within(1e-15));
        assertThat(r.value()).isEqualTo(0.04);
        assertThat(r.threshold()).isEqualTo(0.05);
        assertThat(r.detail()).isEqualTo("candidate got 4% of 10000 units assigned by the"
                + " split vs 5% configured: chi-square 21.05, p 4.468e-06 (alpha 0.001):"
                + " sample ratio mismatch, the data cannot be trusted");
    }

    @Test
    void sampleRatio_actionAndLevelAreConfigurable() {
        Policy p = Policies.criteria("{\"name\": \"srm\", \"type\": \"sample_ratio\","
                + " \"alpha\": 0.01, \"severity\": \"CRITICAL\"}");
        MapInput in = MapInput.of().candidateShare(0.05).assigned("stable", 9430)
                .assigned("candidate", 570);

        assertThat(PolicyEvaluator.evaluate(p, in).decision()).isEqualTo(GateDecision.ROLLBACK);
    }

    @Test
    void sampleRatio_readsTheCumulativeEvidence_atOneSplit() {
        MapInput stage = MapInput.of().assigned("stable", 9600).assigned("candidate", 400);
        MapInput window = MapInput.of().candidateShare(0.05).assigned("stable", 95)
                .assigned("candidate", 5).cumulative(stage);

        assertThat(srm(SRM, window).status()).isEqualTo(CriterionStatus.ALERT);
    }

    @Test
    void sampleRatio_withoutWhatItNeeds_isNotEnoughData_andWithoutASplit_passes() {
        assertThat(srm(SRM, MapInput.of().assigned("stable", 950).assigned("candidate", 50))
                .detail()).startsWith("the configured split is unknown");
        assertThat(srm(SRM, MapInput.of().candidateShare(0.05)).detail())
                .startsWith("the units assigned by the split are unknown");
        CriterionResult all = srm(SRM, MapInput.of().candidateShare(1.0)
                .assigned("stable", 800).assigned("candidate", 50));
        assertThat(all.status()).isEqualTo(CriterionStatus.OK);
        assertThat(all.detail()).isEqualTo("no split to check: the configured weight sends"
                + " every unit to one arm (candidate share 1)");
        CriterionResult few = srm(SRM, MapInput.of().candidateShare(0.05)
                .assigned("stable", 60).assigned("candidate", 0));
        assertThat(few.status()).isEqualTo(CriterionStatus.NOT_ENOUGH_DATA);
        assertThat(few.detail()).startsWith("too few units for the chi-square test (60");
    }

    static final Policy POWER = Policies.criteria("{\"name\": \"power\", \"type\":"
            + " \"sample_size\", \"metric\": \"errors\", \"baseline\": 0.002, \"mde\": 0.01}");

    @Test
    void sampleSize_holdsWithNofNNeeded_untilBothArmsHaveIt() {
        // The formula of R's power.prop.test (Fleiss) with allocation k = 0.05 / 0.95, by SciPy:
        // n1 = (z_a sqrt(pbar qbar (1 + 1/k)) + z_b sqrt(p1 q1 + p2 q2 / k))^2 / d^2
        //    = 7038.019452712505 (norm.ppf(0.975), norm.ppf(0.8), p1 0.002, p2 0.012):
        // stable ceil(n1) = 7039, candidate ceil(k n1) = 371.
        MapInput early = MapInput.of().candidateShare(0.05).samples("stable", 5700)
                .samples("candidate", 300);
        MapInput enough = MapInput.of().candidateShare(0.05).samples("stable", 11_400)
                .samples("candidate", 600);

        GateVerdict held = PolicyEvaluator.evaluate(POWER, early);
        CriterionResult met = PolicyEvaluator.evaluate(POWER, enough).criterion("power");

        assertThat(held.decision()).isEqualTo(GateDecision.HOLD);
        CriterionResult r = held.criterion("power");
        assertThat(r.status()).isEqualTo(CriterionStatus.NOT_ENOUGH_DATA);
        assertThat(r.detail()).startsWith("candidate 300 of 371 needed, stable 5700 of 7039"
                + " (power 0.8 to detect +0.01 from 0.002 at alpha 0.05, two-sided, allocation"
                + " 0.05263)");
        // The arm furthest from its size: 300 / 371 = 80.9% < 5700 / 7039 = 81.0%.
        assertThat(r.value()).isEqualTo(300);
        assertThat(r.threshold()).isEqualTo(371);
        assertThat(met.status()).isEqualTo(CriterionStatus.OK);
        assertThat(met.detail()).startsWith("minimum sample reached: candidate 600 of 371");
    }

    @Test
    void sampleSize_countsTheCumulativeEvidence_whichGrowsWhileItHolds() {
        MapInput stage = MapInput.of().samples("stable", 11_400).samples("candidate", 600);
        MapInput window = MapInput.of().candidateShare(0.05).samples("stable", 5700)
                .samples("candidate", 300).cumulative(stage);

        assertThat(PolicyEvaluator.evaluate(POWER, window).criterion("power").status())
                .isEqualTo(CriterionStatus.OK);
    }

    private static CriterionResult power(String fields, MapInput in) {
        Policy p = Policies.criteria("{\"name\": \"power\", \"type\": \"sample_size\","
                + " \"metric\": \"outcome.converted\", " + fields + "}");
        return PolicyEvaluator.evaluate(p, in).criterion("power");
    }

    private static MapInput converted(long nc, long xc, long nt, long xt) {
        return MapInput.of().conversions("stable", "outcome.converted", nc, xc)
                .conversions("candidate", "outcome.converted", nt, xt);
    }

    @Test
    void sampleSize_fromTheStableArm_whenNoBaselineIsPlanned() {
        // Observed split 1:1, stable converting 10%, +10%: the formula of R's power.prop.test,
        // by SciPy, gives n = 14750.790469044938 per arm.
        CriterionResult r = power("\"mde_pct\": 10", converted(20_000, 2000, 20_000, 2100));

        assertThat(r.status()).isEqualTo(CriterionStatus.OK);
        assertThat(r.observed()).containsEntry("stable.needed", 14751.0);
    }

    @Test
    void sampleSize_withAnImpossibleBaseline_isNotEnoughData_sayingWhy() {
        CriterionResult r = power("\"mde\": 0.01", converted(500, 0, 500, 0));

        assertThat(r.status()).isEqualTo(CriterionStatus.NOT_ENOUGH_DATA);
        assertThat(r.detail()).startsWith("no power analysis: baselineRate");
    }

    @Test
    void newFields_areValidated_namingPointerAndValue() {
        assertError("{\"name\": \"p\", \"type\": \"sample_size\", \"metric\": \"errors\"}",
                "at /criteria/0: a sample_size criterion needs exactly one of \"mde\"");
        assertError("{\"name\": \"p\", \"type\": \"sample_size\", \"metric\": \"errors\","
                + " \"mde\": 0.01, \"baseline\": 1.5}", "at /criteria/0/baseline: a conversion"
                + " baseline must be a rate between 0 and 1 (exclusive), but was 1.5");
        assertError("{\"name\": \"p\", \"type\": \"sample_size\", \"metric\": \"errors\","
                + " \"mde\": 0.01, \"power\": 1}", "at /criteria/0/power: power must be in (0,"
                + " 1), but was 1");
        assertError("{\"name\": \"p\", \"type\": \"sample_size\", \"metric\": \"errors\","
                + " \"mde\": 0.01, \"sd\": 2}", "at /criteria/0/sd: sd is for \"kind\":"
                + " \"continuous\", but was 2");
        assertError("{\"name\": \"s\", \"type\": \"sample_ratio\", \"alpha\": 0}",
                "at /criteria/0/alpha: alpha must be in (0, 1.0), but was 0");
        assertError("{\"name\": \"s\", \"type\": \"sample_ratio\", \"metric\": \"errors\"}",
                "at /criteria/0/metric");
    }

    private static void assertError(String criterion, String message) {
        assertThatThrownBy(() -> Policies.criteria(criterion))
                .isInstanceOf(ConfigException.class).hasMessageContaining(message);
    }
}
