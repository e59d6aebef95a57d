package dev.releaserouter.core;

import static dev.releaserouter.core.AssignmentProperties.assertWithin;
import static dev.releaserouter.core.testing.Configs.of;
import static dev.releaserouter.core.testing.Configs.router;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.Condition;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.TargetingRule;
import dev.releaserouter.api.config.VersionConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Invariants of targeting, per segment, through the public API: assignment is stable, ramps are
 * monotone, shares match each segment's weights, deny lists win, and rules apply in order.
 */
class TargetingProperties {

    static final List<String> TENANTS = List.of("retail-br", "retail-mx", "corp-1", "corp-2");
    static final List<String> REGIONS = List.of("BR", "LATAM", "EU");

    /** v2 (reserve 50%) and v3 (reserve 50%); one rule per tenant with the given weights. */
    static ModelConfig model(int defaultV2, int defaultV3, Map<String, int[]> perTenant) {
        ModelConfig.Builder b = ModelConfig.builder("m").salt("targeting").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").weightBasisPoints(defaultV2).build())
                .version(VersionConfig.builder("v3").weightBasisPoints(defaultV3).build());
        perTenant.forEach((tenant, w) -> b.rule(TargetingRule.builder("t-" + tenant)
                .when(Condition.equalTo("tenant", tenant))
                .weightBasisPoints("v2", w[0]).weightBasisPoints("v3", w[1]).build()));
        return b.build();
    }

    static RouteRequest request(String key, String tenant, String region) {
        return RouteRequest.builder("m", key).tenant(tenant).region(region).build();
    }

    @Property(tries = 40)
    void assignment_isStablePerSegment_acrossCallsAndRouters(
            @ForAll @IntRange(max = 5000) int v2, @ForAll @IntRange(max = 5000) int v3,
            @ForAll @IntRange(max = 5000) int retail, @ForAll("keys") List<String> keys) {
        ModelConfig m = model(v2, v3, Map.of("retail-br", new int[] {retail, v3}));
        Router a = router(of(m));
        Router b = router(of(m));
        for (String key : keys) {
            for (String tenant : TENANTS) {
                RouteDecision first = a.decide(request(key, tenant, "BR"));
                assertThat(a.decide(request(key, tenant, "BR"))).isEqualTo(first);
                assertThat(b.decide(request(key, tenant, "BR")).version())
                        .isEqualTo(first.version());
            }
        }
    }

    @Property(tries = 60)
    void ramp_inOneSegment_isMonotone_andLeavesOtherSegmentsAlone(
            @ForAll @IntRange(max = 5000) int before, @ForAll @IntRange(max = 5000) int after,
            @ForAll @IntRange(max = 5000) int v3, @ForAll @IntRange(max = 5000) int defaultV2) {
        Router r1 = router(of(model(defaultV2, 0, Map.of("retail-br", new int[] {before, v3},
                "corp-1", new int[] {1000, 0}))));
        Router r2 = router(of(model(defaultV2, 0, Map.of("retail-br", new int[] {after, v3},
                "corp-1", new int[] {1000, 0}))));
        for (int i = 0; i < 2_000; i++) {
            String key = "e" + i;
            String v1 = r1.decide(request(key, "retail-br", "BR")).version();
            String v2 = r2.decide(request(key, "retail-br", "BR")).version();
            if (after >= before && "v2".equals(v1)) {
                assertThat(v2).as("raising the segment's weight keeps its candidates")
                        .isEqualTo("v2");
            }
            if (after <= before && "v2".equals(v2)) {
                assertThat(v1).as("lowering it only gives entities back").isEqualTo("v2");
            }
            if (!v1.equals(v2)) {
                assertThat(Set.of(v1, v2)).as("moves are between v2 and stable")
                        .containsExactlyInAnyOrder("v1", "v2");
            }
            for (String other : List.of("corp-1", "corp-2")) {
                assertThat(r2.decide(request(key, other, "BR")).version()).as(other)
                        .isEqualTo(r1.decide(request(key, other, "BR")).version());
            }
        }
    }

    /** An entity in a candidate at a low weight in one segment is in it at any higher weight. */
    @Property(tries = 60)
    void entityMovingToASegmentWithAHigherWeight_staysOnTheCandidate(
            @ForAll @IntRange(max = 5000) int low, @ForAll @IntRange(max = 5000) int high) {
        int lo = Math.min(low, high);
        int hi = Math.max(low, high);
        Router r = router(of(model(lo, 0, Map.of("retail-br", new int[] {hi, 0}))));
        for (int i = 0; i < 2_000; i++) {
            if (r.decide(request("e" + i, "acme", "BR")).isCandidate()) {
                assertThat(r.decide(request("e" + i, "retail-br", "BR")).version())
                        .isEqualTo("v2");
            }
        }
    }

    @Property(tries = 15)
    void shares_matchEachSegmentsWeights_withinFiveStandardDeviations(
            @ForAll @IntRange(max = 5000) int dv2, @ForAll @IntRange(max = 5000) int rv2,
            @ForAll @IntRange(max = 5000) int rv3, @ForAll @IntRange(max = 5000) int cv2) {
        Router r = router(of(model(dv2, 0, Map.of("retail-br", new int[] {rv2, rv3},
                "corp-1", new int[] {cv2, 0}))));
        int n = 20_000;
        int[][] counts = new int[3][2];
        String[] tenants = {"acme", "retail-br", "corp-1"};
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < tenants.length; t++) {
                String v = r.decide(request("u" + i, tenants[t], "EU")).version();
                if (v.equals("v2")) {
                    counts[t][0]++;
                } else if (v.equals("v3")) {
                    counts[t][1]++;
                }
            }
        }
        assertWithin(counts[0][0], n, dv2 / 10_000.0);
        assertThat(counts[0][1]).isZero();
        assertWithin(counts[1][0], n, rv2 / 10_000.0);
        assertWithin(counts[1][1], n, rv3 / 10_000.0);
        assertWithin(counts[2][0], n, cv2 / 10_000.0);
    }

    @Property(tries = 60)
    void denyLists_winOverEveryRule(@ForAll @IntRange(max = 5000) int w,
            @ForAll("keys") List<String> keys) {
        ModelConfig m = model(0, 0, Map.of("retail-br", new int[] {w, 5000 - w}))
                .toBuilder().deny(Segments.of(Map.of(Dimension.REGION, Set.of("EU")))).build();
        Router r = router(of(m));
        for (String key : keys) {
            RouteDecision d = r.decide(request(key, "retail-br", "EU"));
            assertThat(d.reason()).isEqualTo(Reason.DENIED_SEGMENT);
            assertThat(d.rule()).isNull();
        }
    }

    @Property(tries = 100)
    void rules_applyInOrder_theFirstMatchingOneDecides(
            @ForAll("rules") List<TargetingRule> rules, @ForAll("keys") List<String> keys) {
        ModelConfig.Builder b = ModelConfig.builder("m").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").build())
                .version(VersionConfig.builder("v3").build());
        List<TargetingRule> unique = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (TargetingRule rule : rules) {
            if (ids.add(rule.id())) {
                unique.add(rule);
            }
        }
        Router r = router(of(b.targeting(unique).build()));
        for (String key : keys) {
            for (String tenant : TENANTS) {
                for (String region : REGIONS) {
                    RouteRequest req = request(key, tenant, region);
                    TargetingRule expected = unique.stream().filter(x -> x.matches(req))
                            .findFirst().orElse(null);
                    RouteDecision d = r.decide(req);
                    assertThat(d.rule()).isEqualTo(expected == null ? null : expected.id());
                    if (expected != null && d.isCandidate()) {
                        assertThat(expected.weightBasisPoints(d.version())).isPositive();
                    }
                }
            }
        }
    }

    @Provide
    Arbitrary<List<String>> keys() {
        return Arbitraries.strings().ofMinLength(1).ofMaxLength(12).list().ofMinSize(1)
                .ofMaxSize(30);
    }

    @Provide
    Arbitrary<List<TargetingRule>> rules() {
        Arbitrary<Condition> condition = Arbitraries.oneOf(
                Arbitraries.subsetOf(TENANTS).ofMinSize(1)
                        .map(s -> Condition.in("tenant", s.toArray(new String[0]))),
                Arbitraries.subsetOf(REGIONS).ofMinSize(1)
                        .map(s -> Condition.notIn("region", s.toArray(new String[0]))),
                Arbitraries.of("retail-", "corp-", "r").map(p -> Condition.prefix("tenant", p)),
                Arbitraries.of(REGIONS).map(reg -> Condition.equalTo("region", reg)));
        Arbitrary<TargetingRule> rule = Combinators.combine(
                Arbitraries.integers().between(0, 9),
                condition.list().ofMinSize(1).ofMaxSize(2),
                Arbitraries.integers().between(0, 5000), Arbitraries.integers().between(0, 5000))
                .as((id, when, v2, v3) -> {
                    TargetingRule.Builder rb = TargetingRule.builder("r" + id);
                    when.forEach(rb::when);
                    return rb.weightBasisPoints("v2", v2).weightBasisPoints("v3", v3).build();
                });
        return rule.list().ofMinSize(1).ofMaxSize(6);
    }
}
