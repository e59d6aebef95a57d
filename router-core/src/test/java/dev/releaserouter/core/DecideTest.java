package dev.releaserouter.core;

import static dev.releaserouter.core.testing.Configs.churn;
import static dev.releaserouter.core.testing.Configs.of;
import static dev.releaserouter.core.testing.Configs.router;
import static dev.releaserouter.core.testing.Configs.withStage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.Role;
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
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DecideTest {

    static RouteRequest req(String key) {
        return RouteRequest.of("churn", key);
    }

    @Test
    void decide_fullCanary_sendsEveryoneToTheCandidateWithItsBucket() {
        Router r = router(of(churn(10_000).build()));
        RouteDecision d = r.decide(req("customer-42"));
        assertThat(d.version()).isEqualTo("v2");
        assertThat(d.role()).isEqualTo(Role.CANDIDATE);
        assertThat(d.reason()).isEqualTo(Reason.CANARY_BUCKET);
        assertThat(d.bucket()).hasValue(8075); // golden vector with the test secret
        assertThat(d.configRevision()).isEqualTo(r.configRevision());
    }

    @Test
    void decide_zeroWeight_sendsEveryoneToStableBucket() {
        Router r = router(of(churn(0).build()));
        RouteDecision d = r.decide(req("customer-42"));
        assertThat(d.version()).isEqualTo("v1");
        assertThat(d.role()).isEqualTo(Role.STABLE);
        assertThat(d.reason()).isEqualTo(Reason.STABLE_BUCKET);
        assertThat(d.bucket()).hasValue(8075);
    }

    @Test
    void decide_bucketBelowWeight_goesToCandidate_atOrAbove_goesToStable() {
        // customer-42 -> bucket 8075, customer-43 -> 4939 (golden vectors)
        Router r = router(of(churn(5000).build()));
        assertThat(r.decide(req("customer-43")).version()).isEqualTo("v2");
        assertThat(r.decide(req("customer-42")).version()).isEqualTo("v1");
    }

    @Test
    void decide_unknownModel_answersNoVersionWithTheReason() {
        Router r = router(of(churn(500).build()));
        RouteDecision d = r.decide(RouteRequest.of("nope", "k"));
        assertThat(d.reason()).isEqualTo(Reason.UNKNOWN_MODEL);
        assertThat(d.version()).isNull();
        assertThat(d.bucket()).isEmpty();
    }

    @Test
    void decide_nullRequest_isAProgrammingError() {
        Router r = router(of(churn(500).build()));
        assertThatThrownBy(() -> r.decide(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void decide_commonDecisions_areReusedNotRebuilt() {
        Router r = router(of(churn(10_000).build()));
        assertThat(r.decide(req("customer-42"))).isSameAs(r.decide(req("customer-42")));
    }

    @Test
    void evaluationOrder_killSwitchBeatsEverything() {
        ModelConfig m = withStage(churn(10_000), "v2", Stage.STAGING)
                .kills(KillSwitches.of(true, Set.of(), Set.of(), Set.of()))
                .deny(Segments.of(Map.of(Dimension.TENANT, Set.of("vip"))))
                .build();
        RouteDecision d = router(of(m)).decide(req("k").toBuilder().tenant("vip").build());
        assertThat(d.reason()).isEqualTo(Reason.KILL_SWITCH);
        assertThat(d.version()).isEqualTo("v1");
    }

    @Test
    void evaluationOrder_unapprovedCandidateBeatsDenyLists() {
        ModelConfig m = withStage(churn(10_000), "v2", Stage.STAGING)
                .deny(Segments.of(Map.of(Dimension.TENANT, Set.of("vip"))))
                .build();
        Router r = router(of(m));
        assertThat(r.decide(req("k").toBuilder().tenant("vip").build()).reason())
                .isEqualTo(Reason.VERSION_NOT_APPROVED);
        assertThat(r.decide(req("k")).reason()).isEqualTo(Reason.VERSION_NOT_APPROVED);
    }

    @Test
    void evaluationOrder_revokedCandidateGetsNoTraffic() {
        Router r = router(of(withStage(churn(10_000), "v2", Stage.REVOKED).build()));
        RouteDecision d = r.decide(req("k"));
        assertThat(d.reason()).isEqualTo(Reason.VERSION_NOT_APPROVED);
        assertThat(d.version()).isEqualTo("v1");
    }

    @Test
    void evaluationOrder_denyBeatsAllow_allowBeatsBucket() {
        ModelConfig m = churn(10_000)
                .deny(Segments.of(Map.of(Dimension.TENANT, Set.of("vip_retail"))))
                .allow(Segments.of(Map.of(Dimension.REGION, Set.of("BR", "LATAM"))))
                .build();
        Router r = router(of(m));
        assertThat(r.decide(req("k").toBuilder().tenant("vip_retail").region("BR").build())
                .reason()).isEqualTo(Reason.DENIED_SEGMENT);
        assertThat(r.decide(req("k").toBuilder().tenant("acme").region("US").build()).reason())
                .isEqualTo(Reason.NOT_IN_ALLOWED_SEGMENT);
        assertThat(r.decide(req("k").toBuilder().tenant("acme").build()).reason())
                .as("a request without a region is not in an allow-listed region")
                .isEqualTo(Reason.NOT_IN_ALLOWED_SEGMENT);
        assertThat(r.decide(req("k").toBuilder().tenant("acme").region("LATAM").build())
                .reason()).isEqualTo(Reason.CANARY_BUCKET);
    }

    /** A request that every rule applies to, with the rules peeled off one at a time. */
    static ModelConfig layered(boolean kill, Stage stage, boolean deny, boolean allow,
            boolean budget) {
        VersionConfig.Builder v2 = VersionConfig.builder("v2").weightBasisPoints(10_000)
                .stage(stage);
        if (budget) {
            v2.budget(ExposureBudget.builder().maxRequests(0).build());
        }
        ModelConfig.Builder b = churn(0).build().toBuilder().version(v2.build());
        if (kill) {
            b.kills(KillSwitches.of(true, Set.of(), Set.of(), Set.of()));
        }
        if (deny) {
            b.deny(Segments.of(Map.of(Dimension.TENANT, Set.of("vip"))));
        }
        if (allow) {
            b.allow(Segments.of(Map.of(Dimension.REGION, Set.of("BR"))));
        }
        return b.build();
    }

    @Test
    void evaluationOrder_eachRuleBeatsEveryRuleAfterIt() {
        RouteRequest vipInUs = req("customer-42").toBuilder().tenant("vip").region("US").build();
        Map<ModelConfig, Reason> expected = new java.util.LinkedHashMap<>();
        expected.put(layered(true, Stage.STAGING, true, true, true), Reason.KILL_SWITCH);
        expected.put(layered(false, Stage.STAGING, true, true, true),
                Reason.VERSION_NOT_APPROVED);
        expected.put(layered(false, Stage.REVOKED, true, true, true),
                Reason.VERSION_NOT_APPROVED);
        expected.put(layered(false, Stage.APPROVED, true, true, true), Reason.DENIED_SEGMENT);
        expected.put(layered(false, Stage.APPROVED, false, true, true),
                Reason.NOT_IN_ALLOWED_SEGMENT);
        expected.put(layered(false, Stage.APPROVED, false, false, true),
                Reason.BUDGET_EXHAUSTED);
        expected.put(layered(false, Stage.APPROVED, false, false, false),
                Reason.CANARY_BUCKET);
        expected.forEach((m, reason) -> {
            RouteDecision d = router(of(m)).decide(vipInUs);
            assertThat(d.reason()).as(m.toString()).isEqualTo(reason);
            assertThat(d.version()).isEqualTo(reason == Reason.CANARY_BUCKET ? "v2" : "v1");
        });
    }

    @Test
    void evaluationOrder_requestsStoppedBeforeTheBudget_consumeNoneOfIt() {
        ModelConfig m = churn(0).build().toBuilder()
                .version(VersionConfig.builder("v2").weightBasisPoints(10_000)
                        .budget(ExposureBudget.builder().maxRequests(1).build()).build())
                .deny(Segments.of(Map.of(Dimension.TENANT, Set.of("vip"))))
                .allow(Segments.of(Map.of(Dimension.REGION, Set.of("BR"))))
                .build();
        Router r = router(of(m));
        for (int i = 0; i < 50; i++) {
            assertThat(r.decide(req("us-" + i).toBuilder().region("US").build()).reason())
                    .isEqualTo(Reason.NOT_IN_ALLOWED_SEGMENT);
            assertThat(r.decide(req("vip-" + i).toBuilder().tenant("vip").region("BR").build())
                    .reason()).isEqualTo(Reason.DENIED_SEGMENT);
        }
        assertThat(r.decide(req("a").toBuilder().region("BR").build()).reason())
                .as("the one request of the budget is still there")
                .isEqualTo(Reason.CANARY_BUCKET);
        RouteDecision exhausted = r.decide(req("b").toBuilder().region("BR").build());
        assertThat(exhausted.reason()).isEqualTo(Reason.BUDGET_EXHAUSTED);
        assertThat(exhausted.bucket()).isPresent();
        assertThat(r.decide(req("c").toBuilder().region("US").build()).reason())
                .as("an exhausted budget does not hide an earlier rule")
                .isEqualTo(Reason.NOT_IN_ALLOWED_SEGMENT);
    }

    @Test
    void segmentLists_of100kTenants_decideEveryMember() {
        Set<String> tenants = java.util.stream.IntStream.range(0, 100_000)
                .mapToObj(i -> "tenant-" + i).collect(java.util.stream.Collectors.toSet());
        ModelConfig m = churn(10_000)
                .deny(Segments.of(Map.of(Dimension.TENANT, tenants)))
                .kills(KillSwitches.of(false, Set.of(), Set.of("killed-tenant"), Set.of()))
                .build();
        Router r = router(of(m));
        for (int i = 0; i < 100_000; i += 997) {
            assertThat(r.decide(req("k").toBuilder().tenant("tenant-" + i).build()).reason())
                    .isEqualTo(Reason.DENIED_SEGMENT);
        }
        assertThat(r.decide(req("k").toBuilder().tenant("tenant-99999").build()).reason())
                .isEqualTo(Reason.DENIED_SEGMENT);
        assertThat(r.decide(req("k").toBuilder().tenant("tenant-100000").build()).reason())
                .isEqualTo(Reason.CANARY_BUCKET);
        assertThat(r.decide(req("k").toBuilder().tenant("killed-tenant").build()).reason())
                .isEqualTo(Reason.KILL_SWITCH);
    }

    @Test
    void denyLists_coverEveryDimension() {
        for (Dimension dim : Dimension.values()) {
            ModelConfig m = churn(10_000).deny(Segments.of(Map.of(dim, Set.of("x")))).build();
            RouteRequest.Builder b = req("k").toBuilder();
            switch (dim) {
                case TENANT: b.tenant("x"); break;
                case REGION: b.region("x"); break;
                case CHANNEL: b.channel("x"); break;
                default: b.product("x");
            }
            assertThat(router(of(m)).decide(b.build()).reason()).as(dim.name())
                    .isEqualTo(Reason.DENIED_SEGMENT);
        }
    }

    @Test
    void killSwitches_perTenantAndChannel_keepThoseOnStable() {
        ModelConfig m = churn(10_000)
                .kills(KillSwitches.of(false, Set.of(), Set.of("acme"), Set.of("batch")))
                .build();
        Router r = router(of(m));
        assertThat(r.decide(req("k").toBuilder().tenant("acme").build()).reason())
                .isEqualTo(Reason.KILL_SWITCH);
        assertThat(r.decide(req("k").toBuilder().channel("batch").build()).reason())
                .isEqualTo(Reason.KILL_SWITCH);
        assertThat(r.decide(req("k").toBuilder().tenant("other").channel("web").build()).reason())
                .isEqualTo(Reason.CANARY_BUCKET);
    }

    @Test
    void killedVersion_amongSeveralCandidates_onlyItsBucketsGoToStable() {
        ModelConfig m = ModelConfig.builder("churn").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").weightBasisPoints(5000).build())
                .version(VersionConfig.builder("v3").weightBasisPoints(5000).build())
                .kills(KillSwitches.of(false, Set.of("v3"), Set.of(), Set.of()))
                .build();
        Router r = router(of(m));
        // customer-43 -> 4939 (v2's zone [0,5000)), customer-42 -> 8075 (v3's zone [5000,10000))
        assertThat(r.decide(req("customer-43")).version()).isEqualTo("v2");
        RouteDecision killed = r.decide(req("customer-42"));
        assertThat(killed.version()).isEqualTo("v1");
        assertThat(killed.reason()).isEqualTo(Reason.KILL_SWITCH);
        assertThat(killed.bucket()).hasValue(8075);
    }

    @Test
    void internalFault_answersStableWithInternalError() {
        Clock broken = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.EPOCH;
            }

            @Override
            public long millis() {
                throw new IllegalStateException("clock failure");
            }
        };
        ModelConfig m = churn(0).build().toBuilder()
                .version(VersionConfig.builder("v2").weightBasisPoints(10_000)
                        .budget(ExposureBudget.builder().maxRequests(10)
                                .window(Duration.ofMinutes(1)).build())
                        .build())
                .build();
        Router r = router(of(m), new RecordingAuditSink(), broken);
        RouteDecision d = r.decide(req("k"));
        assertThat(d.reason()).isEqualTo(Reason.INTERNAL_ERROR);
        assertThat(d.version()).isEqualTo("v1");
    }
}
