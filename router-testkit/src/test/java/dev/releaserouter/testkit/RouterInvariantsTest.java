package dev.releaserouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.Role;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.Condition;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.KillSwitches;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.ShadowConfig;
import dev.releaserouter.api.config.TargetingRule;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.shadow.ShadowDisposition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RouterInvariantsTest {

    static Stream<Path> sampleFlagFiles() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        try (Stream<Path> examples = Files.list(root.resolve("docs/examples"))) {
            List<Path> files = examples.filter(p -> p.toString().endsWith(".json")).toList();
            return Stream.concat(
                    Stream.of(root.resolve("samples/quickstart/src/main/resources/flags.json")),
                    files.stream());
        }
    }

    @ParameterizedTest
    @MethodSource("sampleFlagFiles")
    void sampleFlagFiles_satisfyEveryInvariant(Path file) {
        try (RouterInvariants invariants = RouterInvariants.forFlagFile(file).sweep(1_000)
                .shareSample(10_000, 5)) {
            InvariantReport report = invariants.checkAll();
            assertThat(report.passed()).as(report.toString()).isTrue();
            assertThat(report.checked()).containsExactlyInAnyOrder(Invariant.values());
        }
    }

    private static RouterConfig churn(ModelConfig.Builder extra) {
        return RouterConfig.builder().model(extra.build()).build();
    }

    private static ModelConfig.Builder churnAt(int weightBp) {
        return ModelConfig.builder("churn").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").stage(Stage.APPROVED)
                        .weightBasisPoints(weightBp).build());
    }

    @Test
    void deniedTenant_routedToCandidateByABrokenRouter_isReportedWithRequestAndDecision() {
        RouterConfig config = churn(churnAt(500).deny(
                Segments.of(Map.of(Dimension.TENANT, Set.of("vip_retail")))));
        FakeRouter broken = FakeRouter.routeTo("v2").withConfig(config);

        InvariantReport report = RouterInvariants.forRouter(broken)
                .checkAll(Invariant.NO_DENIED_TENANT_REACHES_CANDIDATE);

        assertThat(report.passed()).isFalse();
        Violation v = report.violations().get(0);
        assertThat(v.invariant()).isEqualTo(Invariant.NO_DENIED_TENANT_REACHES_CANDIDATE);
        assertThat(v.decision()).isNotNull();
        assertThat(v.decision().version()).isEqualTo("v2");
        assertThat(report.toString()).contains("tenant vip_retail is on the deny list")
                .contains("entityKey=").contains("decision: RouteDecision{version=v2");
        assertThatThrownBy(() -> RouterInvariants.forRouter(broken)
                .assertNoDeniedTenantReachesCandidate())
                .isInstanceOf(InvariantFailure.class)
                .hasMessageContaining("NO_DENIED_TENANT_REACHES_CANDIDATE");
    }

    @Test
    void aRouterThatFlipsBetweenVersions_isNotSticky() {
        AtomicInteger calls = new AtomicInteger();
        FakeRouter flipping = FakeRouter.scripted(r -> calls.getAndIncrement() % 2 == 0
                ? RouteDecision.of("v1", Role.STABLE, Reason.STABLE_BUCKET, 7, 1)
                : RouteDecision.of("v2", Role.CANDIDATE, Reason.CANARY_BUCKET, 7, 1))
                .withConfig(churn(churnAt(5_000)));

        assertThatThrownBy(() -> RouterInvariants.forRouter(flipping).sweep(10)
                .assertAssignmentIsSticky())
                .isInstanceOf(InvariantFailure.class)
                .hasMessageContaining("ASSIGNMENT_IS_STICKY")
                .hasMessageContaining("the same request was decided differently");
    }

    @Test
    void aRouterThatIgnoresWeights_failsTheShareCheck() {
        FakeRouter stableOnly = FakeRouter.alwaysStable().withConfig(churn(churnAt(2_500)));

        InvariantReport report = RouterInvariants.forRouter(stableOnly).shareSample(2_000, 5)
                .checkAll(Invariant.SHARES_MATCH_WEIGHTS);

        assertThat(report.violations()).singleElement().satisfies(v -> assertThat(v.message())
                .contains("candidate v2 of model churn served 0 of 2000")
                .contains("effective weight is 25%"));
    }

    /** churn at 0% by default and 25% in LATAM, by a targeting rule. */
    private static ModelConfig.Builder latamAt25() {
        return churnAt(0).rule(TargetingRule.builder("latam")
                .when(Condition.equalTo("region", "LATAM")).weightPercent("v2", 25).build());
    }

    @Test
    void aRouterThatIgnoresTargetingRules_isReported_withTheRuleThatShouldHaveApplied() {
        FakeRouter ignoring = FakeRouter.scripted(r -> RouteDecision.of("v1", Role.STABLE,
                Reason.STABLE_BUCKET, 7, 1)).withConfig(churn(latamAt25()));

        InvariantReport report = RouterInvariants.forRouter(ignoring).sweep(200)
                .checkAll(Invariant.TARGETING_RULES_APPLY_IN_ORDER);

        assertThat(report.passed()).isFalse();
        assertThat(report.violations().get(0).message())
                .contains("the first targeting rule of model churn that matches is latam")
                .contains("but the decision names null");
        assertThatThrownBy(() -> RouterInvariants.forRouter(ignoring).sweep(200)
                .assertTargetingRulesApplyInOrder())
                .isInstanceOf(InvariantFailure.class)
                .hasMessageContaining("TARGETING_RULES_APPLY_IN_ORDER");
    }

    @Test
    void shareCheck_holdsARouterToTheWeightsOfTheSegmentsRule() {
        RouterConfig config = churn(latamAt25().allow(Segments.of(Map.of(Dimension.REGION,
                Set.of("LATAM")))));
        try (FakeRouter real = FakeRouter.wrapping(config)) {
            InvariantReport report = RouterInvariants.forRouter(real).shareSample(4_000, 5)
                    .sweep(500).checkAll();
            assertThat(report.passed()).as(report.toString()).isTrue();
        }
        FakeRouter stableOnly = FakeRouter.alwaysStable().withConfig(config);
        assertThat(RouterInvariants.forRouter(stableOnly).shareSample(2_000, 5)
                .checkAll(Invariant.SHARES_MATCH_WEIGHTS).violations()).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("effective weight is 25%"));
    }

    @Test
    void aRouterThatOverservesASmallCanary_failsTheShareCheck() {
        FakeRouter everyone = FakeRouter.routeTo("v2").withConfig(churn(churnAt(100)));

        assertThatThrownBy(() -> RouterInvariants.forRouter(everyone).shareSample(1_000, 5)
                .assertSharesMatchWeights())
                .isInstanceOf(InvariantFailure.class)
                .hasMessageContaining("served 1000 of 1000");
    }

    @Test
    void killedModel_servedByCandidate_isReported() {
        RouterConfig config = churn(churnAt(500).kills(KillSwitches.of(true, Set.of(), Set.of(),
                Set.of())));
        FakeRouter broken = FakeRouter.routeTo("v2").withConfig(config);

        InvariantReport report = RouterInvariants.forRouter(broken).sweep(50)
                .checkAll(Invariant.KILLED_MODEL_SERVES_ONLY_STABLE);

        assertThat(report.violations()).hasSize(50);
        assertThat(report.violations().get(0).message()).contains("model churn is killed");
    }

    @Test
    void killedCandidate_servingAnyone_isReported() {
        RouterConfig config = churn(churnAt(500).kills(KillSwitches.of(false, Set.of("v2"),
                Set.of(), Set.of())));

        assertThatThrownBy(() -> RouterInvariants.forRouter(FakeRouter.routeTo("v2")
                .withConfig(config)).sweep(20).assertKilledModelServesOnlyStable())
                .isInstanceOf(InvariantFailure.class)
                .hasMessageContaining("candidate v2 of model churn is killed");
    }

    @Test
    void forbiddenDataClass_scheduledForShadow_isReported() {
        RouterConfig config = churn(churnAt(0).shadow(ShadowConfig.of("v2", 10_000,
                Set.of("sovereign-br"), Segments.NONE)));
        FakeRouter leaky = FakeRouter.alwaysStable().withConfig(config)
                .withShadow(ShadowDisposition.SCHEDULED);
        RouteRequest sovereign = RouteRequest.builder("churn", "c-1").dataClasses("sovereign-br")
                .build();

        InvariantReport one = RouterInvariants.forRouter(leaky).check(sovereign);
        assertThat(one.violationsOf(Invariant.FORBIDDEN_DATA_NEVER_SHADOWED)).singleElement()
                .satisfies(v -> {
                    assertThat(v.shadow()).isEqualTo(ShadowDisposition.SCHEDULED);
                    assertThat(v.message()).contains("data class sovereign-br is forbidden");
                });
        assertThatThrownBy(() -> RouterInvariants.forRouter(leaky)
                .assertForbiddenDataNeverShadowed())
                .isInstanceOf(InvariantFailure.class)
                .hasMessageContaining("shadow:   SCHEDULED");
    }

    @Test
    void realRouter_doesNotShadowForbiddenData() {
        RouterConfig config = churn(churnAt(0).shadow(ShadowConfig.of("v2", 10_000,
                Set.of("sovereign-br"), Segments.NONE)));
        try (RouterInvariants invariants = RouterInvariants.forConfig(config)) {
            RouteRequest sovereign = RouteRequest.builder("churn", "c-1")
                    .dataClasses("sovereign-br").build();
            invariants.assertHolds(sovereign);
            invariants.assertForbiddenDataNeverShadowed();
        }
    }

    @Test
    void checkOfOneRequest_skipsTheShareCheck() {
        try (RouterInvariants invariants = RouterInvariants.forConfig(churn(churnAt(500)))) {
            InvariantReport report = invariants.check(RouteRequest.of("churn", "c-9"),
                    Invariant.SHARES_MATCH_WEIGHTS, Invariant.ASSIGNMENT_IS_STICKY);
            assertThat(report.checked()).containsExactly(Invariant.ASSIGNMENT_IS_STICKY);
            assertThat(report.passed()).isTrue();
            assertThat(report.toString()).startsWith("router invariants hold for in-memory");
        }
    }
}
