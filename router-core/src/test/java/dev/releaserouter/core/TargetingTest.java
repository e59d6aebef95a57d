package dev.releaserouter.core;

import static dev.releaserouter.core.AssignmentProperties.assertWithin;
import static dev.releaserouter.core.testing.Configs.churn;
import static dev.releaserouter.core.testing.Configs.of;
import static dev.releaserouter.core.testing.Configs.router;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.Condition;
import dev.releaserouter.api.config.Condition.Operator;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.config.KillSwitches;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.TargetingRule;
import dev.releaserouter.api.config.VersionConfig;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Weights per segment (seed 000 §2.1 "granularidades", §5.1): the issue's example of a canary
 * at 5% for tenant {@code retail-br}, 25% in region {@code LATAM} and 0% elsewhere, first match
 * wins, and every rule that decides before the weights still winning over a rule.
 */
class TargetingTest {

    static final TargetingRule RETAIL_BR = TargetingRule.builder("retail-br")
            .when(Condition.in("tenant", "retail-br")).weightPercent("v2", 5).build();
    static final TargetingRule LATAM = TargetingRule.builder("latam")
            .when(Condition.equalTo("region", "LATAM")).weightPercent("v2", 25).build();

    /** The issue's model: v2 at 0% by default, 5% for retail-br, 25% in LATAM. */
    static ModelConfig.Builder issueExample() {
        return churn(0).rule(RETAIL_BR).rule(LATAM);
    }

    static RouteRequest request(int i, String tenant, String region) {
        return RouteRequest.builder("churn", "customer-" + i).tenant(tenant).region(region)
                .build();
    }

    @Test
    void decide_issueExample_fivePercentForRetailBr_25InLatam_zeroElsewhere() {
        Router r = router(of(issueExample().build()));
        int n = 40_000;
        int retail = 0;
        int latam = 0;
        int elsewhere = 0;
        for (int i = 0; i < n; i++) {
            RouteDecision a = r.decide(request(i, "retail-br", "BR"));
            RouteDecision b = r.decide(request(i, "acme", "LATAM"));
            RouteDecision c = r.decide(request(i, "acme", "EU"));
            assertThat(a.rule()).isEqualTo("retail-br");
            assertThat(b.rule()).isEqualTo("latam");
            assertThat(c.rule()).isNull();
            assertThat(c.reason()).isEqualTo(Reason.STABLE_BUCKET);
            retail += a.isCandidate() ? 1 : 0;
            latam += b.isCandidate() ? 1 : 0;
            elsewhere += c.isCandidate() ? 1 : 0;
        }
        assertWithin(retail, n, 0.05);
        assertWithin(latam, n, 0.25);
        assertThat(elsewhere).isZero();
    }

    @Test
    void decide_requestMatchingTwoRules_getsTheFirstRulesWeights() {
        Router r = router(of(issueExample().build()));
        Router reversed = router(of(churn(0).rule(LATAM).rule(RETAIL_BR).build()));
        int firstWins = 0;
        for (int i = 0; i < 2_000; i++) {
            RouteRequest both = request(i, "retail-br", "LATAM");
            assertThat(r.decide(both).rule()).isEqualTo("retail-br");
            assertThat(reversed.decide(both).rule()).isEqualTo("latam");
            firstWins += r.decide(both).isCandidate() ? 1 : 0;
        }
        assertWithin(firstWins, 2_000, 0.05);
    }

    @Test
    void decide_candidateAndStableBuckets_nameTheRule_andKeepTheirReasons() {
        Router r = router(of(churn(0).rule(TargetingRule.builder("all-br")
                .when(Condition.equalTo("region", "BR")).weightPercent("v2", 50).build())
                .build()));
        boolean sawCandidate = false;
        boolean sawStable = false;
        for (int i = 0; i < 200; i++) {
            RouteDecision d = r.decide(request(i, "t", "BR"));
            assertThat(d.rule()).isEqualTo("all-br");
            assertThat(d.hasBucket()).isTrue();
            if (d.isCandidate()) {
                sawCandidate = true;
                assertThat(d.reason()).isEqualTo(Reason.CANARY_BUCKET);
                assertThat(d.bucket().getAsInt()).isLessThan(5_000);
            } else {
                sawStable = true;
                assertThat(d.reason()).isEqualTo(Reason.STABLE_BUCKET);
                assertThat(d.bucket().getAsInt()).isGreaterThanOrEqualTo(5_000);
            }
        }
        assertThat(sawCandidate).isTrue();
        assertThat(sawStable).isTrue();
    }

    /** A rule at 100% for tenant {@code retail-br}: whatever decides before the weights wins. */
    static ModelConfig.Builder everyoneInRetailBr() {
        return churn(0).rule(TargetingRule.builder("retail-br")
                .when(Condition.in("tenant", "retail-br")).weightPercent("v2", 100).build());
    }

    static RouteDecision decideRetailBr(UnaryOperator<ModelConfig.Builder> change) {
        Router r = router(of(change.apply(everyoneInRetailBr()).build()));
        return r.decide(RouteRequest.builder("churn", "customer-42").tenant("retail-br")
                .region("BR").channel("app").build());
    }

    @Test
    void killSwitches_denyAndAllowLists_andStages_winOverRules() {
        assertThat(decideRetailBr(b -> b).reason()).isEqualTo(Reason.CANARY_BUCKET);
        assertThat(decideRetailBr(b -> b.kills(KillSwitches.of(false, Set.of(),
                Set.of("retail-br"), Set.of()))).reason()).isEqualTo(Reason.KILL_SWITCH);
        assertThat(decideRetailBr(b -> b.kills(KillSwitches.of(false, Set.of("v2"), Set.of(),
                Set.of()))).reason())
                .as("v2 is weighted only by the rule: killing it is a model-level kill")
                .isEqualTo(Reason.KILL_SWITCH);
        assertThat(decideRetailBr(b -> b.deny(Segments.of(Map.of(Dimension.REGION,
                Set.of("BR"))))).reason()).isEqualTo(Reason.DENIED_SEGMENT);
        assertThat(decideRetailBr(b -> b.allow(Segments.of(Map.of(Dimension.CHANNEL,
                Set.of("web"))))).reason()).isEqualTo(Reason.NOT_IN_ALLOWED_SEGMENT);
        RouteDecision revoked = decideRetailBr(b -> b.version(VersionConfig.builder("v2")
                .stage(Stage.REVOKED).build()));
        assertThat(revoked.reason()).isEqualTo(Reason.VERSION_NOT_APPROVED);
        assertThat(revoked.isCandidate()).isFalse();
    }

    @Test
    void killedCandidate_weightedByTheModelToo_isKilledInTheRulesBuckets() {
        ModelConfig m = churn(0).version(VersionConfig.builder("v2").weightPercent(10).build())
                .version(VersionConfig.builder("v3").weightPercent(10).build())
                .kills(KillSwitches.of(false, Set.of("v2"), Set.of(), Set.of()))
                .rule(TargetingRule.builder("br").when(Condition.equalTo("region", "BR"))
                        .weightPercent("v2", 50).build())
                .build();
        Router r = router(of(m));
        int killed = 0;
        for (int i = 0; i < 2_000; i++) {
            RouteDecision d = r.decide(request(i, "t", "BR"));
            assertThat(d.version()).isNotEqualTo("v2");
            if (d.reason() == Reason.KILL_SWITCH) {
                killed++;
                assertThat(d.rule()).isEqualTo("br");
                assertThat(d.hasBucket()).isTrue();
            }
        }
        assertWithin(killed, 2_000, 0.5);
    }

    @Test
    void budget_stillAppliesInARulesSegment_andTheExhaustedDecisionNamesTheRule() {
        Router r = router(of(everyoneInRetailBr().version(VersionConfig.builder("v2")
                .budget(ExposureBudget.builder().maxRequests(3).build()).build()).build()));
        int candidates = 0;
        for (int i = 0; i < 10; i++) {
            RouteDecision d = r.decide(request(i, "retail-br", "BR"));
            assertThat(d.rule()).isEqualTo("retail-br");
            if (d.isCandidate()) {
                candidates++;
            } else {
                assertThat(d.reason()).isEqualTo(Reason.BUDGET_EXHAUSTED);
            }
        }
        assertThat(candidates).isEqualTo(3);
    }

    @Test
    void attributes_semverAndNumericRules_selectTheirSegments() {
        ModelConfig m = churn(0)
                .rule(TargetingRule.builder("new-app")
                        .when(Condition.semver("attributes.app_version", ">=2.1.0 <3"))
                        .when(Condition.compare("attributes.score", Operator.GTE, "0.7"))
                        .weightPercent("v2", 100).build())
                .build();
        Router r = router(of(m));
        RouteRequest.Builder base = RouteRequest.builder("churn", "customer-1");
        assertThat(r.decide(base.attribute("app_version", "2.4.0").attribute("score", "0.71")
                .build()).isCandidate()).isTrue();
        assertThat(r.decide(base.attribute("app_version", "3.0.0").build()).isCandidate())
                .as("outside the range").isFalse();
        assertThat(r.decide(base.attribute("app_version", "2.4.0").attribute("score", "0.69")
                .build()).isCandidate()).as("below the score").isFalse();
        assertThat(r.decide(RouteRequest.of("churn", "customer-1")).rule())
                .as("no attributes, no rule").isNull();
    }
}
