package dev.releaserouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.Role;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.ModelInvocationException;
import dev.releaserouter.api.shadow.RouteResult;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.core.ReleaseRouter;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class FakeRouterTest {

    private static RoutedModel<String, String> bind(FakeRouter router) {
        return router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", in -> "v1:" + in)
                .version("v2", in -> "v2:" + in)
                .build());
    }

    @Test
    void alwaysStable_callsV1_andRecordsTheRequest() {
        FakeRouter router = FakeRouter.alwaysStable();
        RouteRequest request = RouteRequest.builder("churn", "c-1").tenant("acme").build();

        RouteResult<String> r = bind(router).route(request, "x");

        assertThat(r.output()).isEqualTo("v1:x");
        assertThat(r.decision().role()).isEqualTo(Role.STABLE);
        assertThat(r.shadow()).isEqualTo(ShadowDisposition.NOT_CONFIGURED);
        assertThat(router.requests()).containsExactly(request);
        assertThat(router.lastRequest().tenant()).isEqualTo("acme");
    }

    @Test
    void routerRoute_dispatchesToTheModelBoundUnderTheRequestsName() {
        FakeRouter router = FakeRouter.routeTo("v2");
        bind(router);

        RouteResult<String> r = router.route(RouteRequest.of("churn", "c-1"), "x");

        assertThat(r.output()).isEqualTo("v2:x");
        assertThat(router.requests()).hasSize(1);
        assertThatThrownBy(() -> router.route(RouteRequest.of("fraud", "c-1"), "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no model 'fraud' was bound");
    }

    @Test
    void routeTo_callsTheNamedVersion_asACandidate() {
        FakeRouter router = FakeRouter.routeTo("v2");

        RouteResult<String> r = bind(router).route(RouteRequest.of("churn", "c-1"), "x");

        assertThat(r.output()).isEqualTo("v2:x");
        assertThat(r.servedVersion()).isEqualTo("v2");
        assertThat(router.decide(RouteRequest.of("fraud", "c-2")).isCandidate()).isTrue();
        assertThat(router.requests("fraud")).hasSize(1);
        router.clearRequests();
        assertThat(router.requests()).isEmpty();
    }

    @Test
    void scripted_decidesByTenant_andFallsBackToTheFirstVersionForAnUnregisteredOne() {
        FakeRouter router = FakeRouter.scripted(r -> "beta".equals(r.tenant())
                ? RouteDecision.of("v3", Role.CANDIDATE, Reason.CANARY_BUCKET, 1, 1)
                : RouteDecision.of("v1", Role.STABLE, Reason.STABLE_BUCKET, 1, 1));

        RouteResult<String> r = bind(router).route(
                RouteRequest.builder("churn", "c-1").tenant("beta").build(), "x");

        assertThat(r.decision().version()).isEqualTo("v3");
        assertThat(r.servedVersion()).isEqualTo("v1");
    }

    @Test
    void aVersionThatThrowsAChecked_exceptionIsWrapped() {
        FakeRouter router = FakeRouter.alwaysStable();
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", in -> {
                    throw new IOException("model file gone");
                }).build());

        assertThatThrownBy(() -> m.route(RouteRequest.of("churn", "c"), "x"))
                .isInstanceOf(ModelInvocationException.class)
                .hasCauseInstanceOf(IOException.class);
        assertThatThrownBy(() -> m.route(RouteRequest.of("fraud", "c"), "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(router::admin).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void wrapping_usesTheRealRouter_onTheClasspathFlagFile() {
        try (FakeRouter router = FakeRouter.wrapping(TestFlagFiles.readClasspath("flags.json"))) {
            RouteRequest vip = RouteRequest.builder("churn", "c-1").tenant("vip_retail").build();

            RouteResult<String> r = bind(router).route(vip, "x");

            assertThat(r.decision().reason()).isEqualTo(Reason.DENIED_SEGMENT);
            assertThat(r.output()).isEqualTo("v1:x");
            assertThat(router.requests()).containsExactly(vip);
            assertThat(router.status().upToDate()).isTrue();
        }
    }

    @Test
    void wrapping_adminChanges_areSeenByTheFake_whichIsNotItselfAnAdmin() {
        try (FakeRouter router = FakeRouter.wrapping(TestFlagFiles.readClasspath("flags.json"))) {
            RouteRequest r = RouteRequest.of("churn", "c-3");

            router.admin().kill(KillTarget.model("churn"), ChangeContext.of("test", "kill"));

            assertThat(router.decide(r).reason()).isEqualTo(Reason.KILL_SWITCH);
            assertThat(router.requests()).containsExactly(r);
            assertThat((Object) router).isNotInstanceOf(RouterAdmin.class);
        }
    }

    @Test
    void wrappingARouterAdmin_handsOutThatAdmin_wrappingARouterHasNone() {
        RouterAdmin real = ReleaseRouter.builder()
                .config(TestFlagFiles.readClasspath("flags.json")).auditSink(e -> { })
                .buildWithAdmin();
        try (FakeRouter withAdmin = FakeRouter.wrapping(real);
                FakeRouter without = FakeRouter.wrapping(real.router())) {
            assertThat(withAdmin.admin()).isSameAs(real);
            assertThatThrownBy(without::admin)
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("wrapping(routerAdmin)");
        }
    }

    @Test
    void wrapping_shadowGoesToTheRealRouter_andIsRecorded() {
        try (FakeRouter router = FakeRouter.wrapping(TestFlagFiles.readClasspath("flags.json"))) {
            RouteRequest r = RouteRequest.of("churn", "c-2");

            // the classpath flag file has no shadow section: the real router says so
            assertThat(bind(router).shadow(r, "x", "v1:x", 1_000))
                    .isEqualTo(ShadowDisposition.NOT_CONFIGURED);
            assertThat(router.requests()).containsExactly(r);
        }
    }

    @Test
    void manualClock_movesOnlyWhenTold_andSharesItsInstantAcrossZones() {
        ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T10:00:00Z"));
        ManualClock saoPaulo = clock.withZone(ZoneId.of("America/Sao_Paulo"));

        clock.advance(Duration.ofMinutes(5));

        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-03-01T10:05:00Z"));
        assertThat(saoPaulo.instant()).isEqualTo(clock.instant());
        assertThat(saoPaulo.getZone()).isEqualTo(ZoneId.of("America/Sao_Paulo"));
        clock.set(Instant.EPOCH);
        assertThat(saoPaulo.millis()).isZero();
        assertThat(clock.advanceMillis(1_500)).isEqualTo(Instant.ofEpochMilli(1_500));
    }

    @Test
    void manualClock_isSafeUnderConcurrentAdvances() throws InterruptedException {
        ManualClock clock = ManualClock.create();
        Instant start = clock.instant();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 1_000; i++) {
                    clock.advanceMillis(1);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(Duration.between(start, clock.instant())).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void recordOutcome_joinsTheScriptedArm_withoutRecordingARequest() {
        FakeRouter router = FakeRouter.routeTo("v2");

        router.recordOutcome("churn", "c-1", "retained", 1.0);
        router.recordLabel("churn", "c-1", 0.3, 1.0);

        assertThat(router.outcomes()).containsExactly(
                dev.releaserouter.api.hook.OutcomeEvent.outcome(RouteRequest.of("churn", "c-1"),
                        "v2", "retained", 1.0),
                dev.releaserouter.api.hook.OutcomeEvent.label(RouteRequest.of("churn", "c-1"),
                        "v2", 0.3, 1.0));
        assertThat(router.requests()).isEmpty();
    }
}
