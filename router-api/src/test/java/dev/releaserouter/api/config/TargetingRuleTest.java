package dev.releaserouter.api.config;

import static dev.releaserouter.api.config.ModelConfigTest.assertConfigError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.Role;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import org.junit.jupiter.api.Test;

/**
 * Targeting rules and their checks against the model: each invalid rule fails when the model is
 * built, naming {@code /targeting/<i>/...} and the bad value.
 */
class TargetingRuleTest {

    static ModelConfig.Builder canary() {
        return ModelConfig.builder("churn").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").build());
    }

    static TargetingRule.Builder retailBr() {
        return TargetingRule.builder("retail-br").when(Condition.in("tenant", "retail-br"));
    }

    @Test
    void rule_matchesWhenEveryConditionHolds() {
        TargetingRule rule = retailBr().when(Condition.equalTo("region", "BR"))
                .weightPercent("v2", 5).build();
        RouteRequest both = RouteRequest.builder("churn", "c").tenant("retail-br").region("BR")
                .build();
        RouteRequest one = RouteRequest.builder("churn", "c").tenant("retail-br").region("MX")
                .build();
        assertThat(rule.matches(both)).isTrue();
        assertThat(rule.matches(one)).isFalse();
        assertThat(rule.weightBasisPoints("v2")).isEqualTo(500);
        assertThat(rule.weightBasisPoints("v3")).as("not listed").isZero();
        assertThat(rule.withWeight("v2", 2500).weightBasisPoints("v2")).isEqualTo(2500);
        assertThat(rule.toBuilder().build()).isEqualTo(rule).hasSameHashCodeAs(rule);
        assertThat(rule.toString()).contains("retail-br", "v2=5%");
    }

    @Test
    void model_keepsItsRulesInOrder_andFindsThemById() {
        TargetingRule a = retailBr().weightPercent("v2", 5).build();
        TargetingRule b = TargetingRule.builder("latam").when(Condition.in("region", "LATAM"))
                .weightPercent("v2", 25).build();
        ModelConfig m = canary().rule(a).rule(b).build();
        assertThat(m.targeting()).containsExactly(a, b);
        assertThat(m.rule("latam")).isEqualTo(b);
        assertThat(m.rule("none")).isNull();
        assertThat(m.toBuilder().build()).isEqualTo(m);
        assertThat(m).isNotEqualTo(canary().rule(b).rule(a).build());
    }

    @Test
    void rule_withoutCondition_orWithBadWeight_fails() {
        assertConfigError(() -> TargetingRule.builder("r").weightPercent("v2", 5).build(),
                "/when", null, "at least one condition");
        assertConfigError(() -> TargetingRule.builder(" "), "/id", " ", "non-blank");
        assertConfigError(() -> retailBr().weightPercent("v2", 100.5), "/weights/v2", "100.5",
                "between 0 and 100");
        assertConfigError(() -> retailBr().weightBasisPoints("v2", -1), "/weights/v2", "-0.01",
                "between 0 and 100");
    }

    @Test
    void model_ruleWithUnknownVersion_fails() {
        assertConfigError(() -> canary().rule(retailBr().weightPercent("v9", 5).build()).build(),
                "/targeting/0/weights/v9", "v9", "unknown version");
    }

    /** Reserves add up to at most 100%, so candidate weights above 100% exceed a reserve. */
    @Test
    void model_ruleCandidateWeightsAbove100_failAtTheReserveTheyExceed() {
        ModelConfig.Builder three = canary().version(VersionConfig.builder("v3").build());
        assertConfigError(() -> three.rule(retailBr().weightPercent("v2", 50)
                .weightPercent("v3", 50.01).build()).build(),
                "/targeting/0/weights/v3", "50.01", "reserve of 50%");
    }

    @Test
    void model_ruleStableWeightThatIsNotWhatTheCandidatesLeave_fails() {
        assertConfigError(() -> canary().rule(retailBr().weightPercent("v1", 90)
                .weightPercent("v2", 5).build()).build(),
                "/targeting/0/weights/v1", "90", "add up to 100%");
        assertThat(canary().rule(retailBr().weightPercent("v1", 95).weightPercent("v2", 5)
                .build()).build().targeting()).hasSize(1);
    }

    @Test
    void model_ruleAboveTheCandidatesReserve_fails() {
        ModelConfig.Builder m = ModelConfig.builder("churn").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").reservePercent(10).build());
        assertConfigError(() -> m.rule(retailBr().weightPercent("v2", 25).build()).build(),
                "/targeting/0/weights/v2", "25", "reserve of 10%");
    }

    @Test
    void model_duplicateRuleIds_andTooManyRules_fail() {
        TargetingRule r = retailBr().weightPercent("v2", 5).build();
        assertConfigError(() -> canary().rule(r).rule(r).build(), "/targeting/1/id",
                "retail-br", "duplicate rule id");
        ModelConfig.Builder many = canary();
        for (int i = 0; i <= ModelConfig.MAX_RULES; i++) {
            many.rule(TargetingRule.builder("r" + i).when(Condition.equalTo("tenant", "t" + i))
                    .build());
        }
        assertConfigError(many::build, "/targeting", "65 rules", "at most 64");
    }

    @Test
    void decision_carriesTheRule_inEqualsAndToString() {
        RouteDecision plain = RouteDecision.of("v2", Role.CANDIDATE, Reason.CANARY_BUCKET, 7, 1);
        RouteDecision ruled = RouteDecision.of("v2", Role.CANDIDATE, Reason.CANARY_BUCKET, 7, 1,
                "retail-br");
        assertThat(plain.rule()).isNull();
        assertThat(ruled.rule()).isEqualTo("retail-br");
        assertThat(ruled).isNotEqualTo(plain);
        assertThat(plain.toString()).doesNotContain("rule");
        assertThat(ruled.toString()).endsWith(", rule=retail-br}");
        assertThat(RouteDecision.of("v2", Role.CANDIDATE, Reason.CANARY_BUCKET, 7, 1, null))
                .isEqualTo(plain).hasSameHashCodeAs(plain);
    }
}
