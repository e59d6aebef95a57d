package dev.releaserouter.core;

import static dev.releaserouter.core.testing.Configs.of;
import static dev.releaserouter.core.testing.Configs.router;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.config.KillSwitches;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.VersionConfig;
import java.time.Duration;
import java.util.HashMap;
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
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;

/** Invariants of assignment, through the public API. */
class AssignmentProperties {

    static ModelConfig model(String salt, int... weights) {
        ModelConfig.Builder b = ModelConfig.builder("m").salt(salt).stableVersion("stable")
                .version(VersionConfig.builder("stable").build());
        for (int i = 0; i < weights.length; i++) {
            b.version(VersionConfig.builder("c" + (i + 1)).weightBasisPoints(weights[i]).build());
        }
        return b.build();
    }

    static RouteRequest req(String key) {
        return RouteRequest.of("m", key);
    }

    @Property(tries = 200)
    void decide_isDeterministic_acrossRoutersWithTheSameSecret(
            @ForAll String key, @ForAll @IntRange(max = 10_000) int weight) {
        Router a = router(of(model("s", weight)));
        Router b = router(of(model("s", weight)));
        assertThat(b.decide(req(key)).version()).isEqualTo(a.decide(req(key)).version());
        assertThat(b.decide(req(key)).bucket()).isEqualTo(a.decide(req(key)).bucket());
    }

    @Property(tries = 25)
    void shares_matchWeights_withinStatisticalTolerance(
            @ForAll @IntRange(max = 5000) int w1, @ForAll @IntRange(max = 5000) int w2,
            @ForAll @AlphaChars @StringLength(min = 1, max = 12) String salt) {
        Router r = router(of(model(salt, w1, w2)));
        int n = 40_000;
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(r.decide(req("entity-" + i)).version(), 1, Integer::sum);
        }
        assertWithin(counts.getOrDefault("c1", 0), n, w1 / 10_000.0);
        assertWithin(counts.getOrDefault("c2", 0), n, w2 / 10_000.0);
    }

    /** Five standard deviations: a correct router fails this about once in 3.5 million. */
    static void assertWithin(int observed, int n, double p) {
        double sd = Math.sqrt(n * p * (1 - p));
        assertThat((double) observed).isCloseTo(n * p, org.assertj.core.data.Offset.offset(
                5 * sd + 1));
    }

    @Property(tries = 60)
    void ramp_isMonotone_raisingOnlyTakesFromStable_loweringOnlyGivesBackToStable(
            @ForAll @IntRange(max = 5000) int before, @ForAll @IntRange(max = 5000) int after,
            @ForAll @IntRange(max = 5000) int other) {
        // c1 moves from 'before' to 'after' while c2 keeps 'other'.
        Router r1 = router(of(model("ramp", before, other)));
        Router r2 = router(of(model("ramp", after, other)));
        for (int i = 0; i < 3000; i++) {
            String v1 = r1.decide(req("e" + i)).version();
            String v2 = r2.decide(req("e" + i)).version();
            if (v1.equals(v2)) {
                continue;
            }
            if (after > before) {
                assertThat(v1).as("raising c1 moves entities only from stable").isEqualTo("stable");
                assertThat(v2).isEqualTo("c1");
            } else {
                assertThat(v1).as("lowering c1 moves entities only out of c1").isEqualTo("c1");
                assertThat(v2).isEqualTo("stable");
            }
        }
    }

    @Property(tries = 10)
    void differentSalts_areIndependent(
            @ForAll @AlphaChars @StringLength(min = 1, max = 8) String salt) {
        Router a = router(of(model(salt, 5000)));
        Router b = router(of(model(salt + "-other", 5000)));
        int n = 20_000;
        int both = 0;
        for (int i = 0; i < n; i++) {
            boolean inA = a.decide(req("u" + i)).isCandidate();
            boolean inB = b.decide(req("u" + i)).isCandidate();
            if (inA && inB) {
                both++;
            }
        }
        // Independent halves overlap on a quarter of the entities.
        assertWithin(both, n, 0.25);
    }

    @Property(tries = 100)
    void denyLists_alwaysWin_whateverTheWeight(
            @ForAll("tenants") List<String> denied, @ForAll @IntRange(max = 10_000) int weight,
            @ForAll String key) {
        ModelConfig m = model("s", weight).toBuilder()
                .deny(Segments.of(Map.of(Dimension.TENANT, Set.copyOf(denied))))
                .build();
        Router r = router(of(m));
        for (String t : denied) {
            RouteDecision d = r.decide(req(key).toBuilder().tenant(t).build());
            assertThat(d.isCandidate()).isFalse();
            assertThat(d.reason()).isEqualTo(Reason.DENIED_SEGMENT);
        }
    }

    @Property(tries = 100)
    void killSwitch_sendsEveryoneToStable(
            @ForAll @IntRange(max = 10_000) int weight, @ForAll String key,
            @ForAll String tenant) {
        ModelConfig m = model("s", weight).toBuilder()
                .kills(KillSwitches.of(true, Set.of(), Set.of(), Set.of()))
                .build();
        RouteDecision d = router(of(m)).decide(req(key).toBuilder().tenant(tenant).build());
        assertThat(d.version()).isEqualTo("stable");
        assertThat(d.reason()).isEqualTo(Reason.KILL_SWITCH);
    }

    /** Every rule at once: budgets of each kind, an unapproved candidate, lists, kills. */
    static final ModelConfig EVERYTHING = model("s", 3_000, 3_000, 3_000).toBuilder()
            .version(VersionConfig.builder("c1").weightBasisPoints(3_000)
                    .budget(ExposureBudget.builder().maxRequests(20)
                            .window(Duration.ofMinutes(1)).maxValueShare(0.3).build())
                    .build())
            .version(VersionConfig.builder("c2").weightBasisPoints(3_000)
                    .budget(ExposureBudget.builder().maxRequests(10).build()).build())
            .version(VersionConfig.builder("c3").weightBasisPoints(3_000).stage(Stage.STAGING)
                    .build())
            .deny(Segments.of(Map.of(Dimension.TENANT, Set.of("vip"))))
            .allow(Segments.of(Map.of(Dimension.REGION, Set.of("BR", "US"))))
            .kills(KillSwitches.of(false, Set.of(), Set.of(), Set.of("batch")))
            .build();

    @Property(tries = 200)
    void decide_neverFails_andEveryAnswerIsConsistent(
            @ForAll("requests") List<RouteRequest> requests) {
        Router r = router(of(EVERYTHING));
        for (RouteRequest q : requests) {
            RouteDecision d = r.decide(q);
            assertThat(d.reason()).isNotEqualTo(Reason.INTERNAL_ERROR);
            assertThat(d.version()).isNotNull();
            assertThat(d.isCandidate()).isEqualTo(d.reason().routesToCandidate());
            assertThat(d.version()).isEqualTo(d.isCandidate() ? d.version() : "stable");
            assertThat(d.version()).isNotEqualTo("c3");
            assertThat(d.bucket().orElse(0)).isBetween(0, 9_999);
            if ("vip".equals(q.tenant()) || "batch".equals(q.channel())
                    || !Set.of("BR", "US").contains(String.valueOf(q.region()))) {
                assertThat(d.isCandidate()).as(q.toString()).isFalse();
            }
        }
    }

    @Provide
    Arbitrary<List<RouteRequest>> requests() {
        Arbitrary<String> segment = Arbitraries.oneOf(
                Arbitraries.of("vip", "acme", "BR", "US", "web", "batch"),
                Arbitraries.strings().ofMaxLength(8)).injectNull(0.2);
        Arbitrary<Double> value = Arbitraries.oneOf(Arbitraries.doubles().between(0, 1e6),
                Arbitraries.doubles().between(0, 1e300)).injectNull(0.3);
        return Combinators.combine(Arbitraries.strings().ofMaxLength(20), segment, segment,
                segment, value).as((key, tenant, region, channel, v) -> {
                    RouteRequest.Builder b = RouteRequest.builder("m", key).tenant(tenant)
                            .region(region).channel(channel);
                    if (v != null) {
                        b.monetaryValue(v);
                    }
                    return b.build();
                }).list().ofMaxSize(60);
    }

    @Provide
    Arbitrary<List<String>> tenants() {
        return Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10).list().ofMinSize(1)
                .ofMaxSize(20).uniqueElements();
    }
}
