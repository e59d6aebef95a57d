package dev.releaserouter.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.api.hook.CallEvent;
import dev.releaserouter.api.hook.HookContext;
import dev.releaserouter.api.hook.RouteHook;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.RecordingAuditSink;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RouteObservationsTest {

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final ObservationRegistry observations = ObservationRegistry.create();
    final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();
    RouterAdmin admin;
    Router router;

    RouteObservationsTest() {
        observations.observationConfig()
                .observationHandler(new DefaultMeterObservationHandler(meters))
                .observationHandler(new ObservationHandler<>() {
                    @Override
                    public void onStop(Observation.Context context) {
                        stopped.add(context);
                    }

                    @Override
                    public boolean supportsContext(Observation.Context context) {
                        return true;
                    }
                });
    }

    @AfterEach
    void tearDown() {
        if (router != null) {
            router.close();
        }
    }

    Router start(int v2BasisPoints, RouteHook observer) {
        admin = ReleaseRouter.builder()
                .config(Configs.of(Configs.withStage(Configs.churn(v2BasisPoints), "v2",
                        Stage.APPROVED).build()))
                .auditSink(new RecordingAuditSink())
                .hashSecretHex(Configs.SECRET)
                .hook(observer)
                .buildWithAdmin();
        router = admin.router();
        return router;
    }

    @Test
    void eachRoute_isATimedObservation_taggedWithModelVersionAndReason() {
        start(10_000, RouteObservations.of(observations));
        AtomicReference<Observation> seenByTheModel = new AtomicReference<>();
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> "one")
                .version("v2", x -> {
                    seenByTheModel.set(observations.getCurrentObservation());
                    return "two";
                })
                .build());

        assertThat(m.route(RouteRequest.of("churn", "customer-1"), "in").output())
                .isEqualTo("two");

        Timer timer = meters.get(DefaultRouteObservationConvention.NAME)
                .tags("model", "churn", "version", "v2", "reason", "canary_bucket",
                        "error", "none")
                .timer();
        assertThat(timer.count()).isEqualTo(1);
        assertThat(seenByTheModel.get()).as("the model runs inside the observation's scope")
                .isNotNull();
        assertThat(seenByTheModel.get().getContext().getContextualName())
                .isEqualTo("route churn");
        assertThat(observations.getCurrentObservation()).as("the scope is closed").isNull();
        RouteObservationContext ctx = (RouteObservationContext) stopped.get(0);
        assertThat(ctx.getHighCardinalityKeyValue("bucket")).isNotNull();
        assertThat(ctx.getHighCardinalityKeyValue("config.revision").getValue()).isEqualTo("1");
        assertThat(ctx.getLowCardinalityKeyValues().stream().map(kv -> kv.getKey()))
                .doesNotContain("entity", "tenant");
    }

    @Test
    void killedCandidate_isTaggedWithTheStableVersionAndTheKillSwitch() {
        start(10_000, RouteObservations.of(observations));
        admin.kill(dev.releaserouter.api.admin.KillTarget.version("churn", "v2"),
                dev.releaserouter.api.admin.ChangeContext.of("ops", "test"));
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> "one").version("v2", x -> "two").build());
        m.route(RouteRequest.of("churn", "k"), "in");
        assertThat(meters.get("router.route").tags("version", "v1", "reason", "kill_switch")
                .timer().count()).isEqualTo(1);
    }

    @Test
    void fallbackToStable_isTaggedWithTheVersionThatAnswered() {
        start(10_000, RouteObservations.of(observations));
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> "one")
                .version("v2", x -> {
                    throw new IllegalStateException("broken canary");
                })
                .fallbackToStable(null)
                .build());
        assertThat(m.route(RouteRequest.of("churn", "k"), "in").output()).isEqualTo("one");
        assertThat(meters.get("router.route").tags("version", "v1", "reason", "canary_bucket",
                "error", "none").timer().count()).isEqualTo(1);
    }

    @Test
    void modelFailure_isTheObservationsError_andReachesTheCallerUntouched() {
        start(0, RouteObservations.of(observations));
        IllegalStateException boom = new IllegalStateException("v1 down");
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> {
                    throw boom;
                })
                .version("v2", x -> "two").build());
        assertThatThrownBy(() -> m.route(RouteRequest.of("churn", "k"), "in")).isSameAs(boom);
        assertThat(stopped).singleElement().satisfies(c -> assertThat(c.getError()).isSameAs(boom));
        assertThat(meters.get("router.route").tags("version", "v1", "reason", "stable_bucket",
                "error", "IllegalStateException").timer().count()).isEqualTo(1);
    }

    @Test
    void customConvention_replacesNameAndKeys() {
        RouteObservationConvention custom = new DefaultRouteObservationConvention() {
            @Override
            public String getName() {
                return "serving.route";
            }

            @Override
            public KeyValues getLowCardinalityKeyValues(RouteObservationContext context) {
                return super.getLowCardinalityKeyValues(context).and("team", "risk");
            }
        };
        start(0, RouteObservations.of(observations, custom));
        router.bind(ModelBinding.<String, String>builder("churn").version("v1", x -> "one")
                .build()).route(RouteRequest.of("churn", "k"), "in");
        assertThat(meters.get("serving.route").tags("team", "risk", "version", "v1").timer()
                .count()).isEqualTo(1);
        assertThat(meters.find("router.route").timer()).isNull();
    }

    @Test
    void failingHook_neverFailsTheRequest_andIsCounted() {
        start(0, new RouteHook() {
            @Override
            public void beforeDecision(HookContext context) {
                throw new IllegalStateException("hook bug");
            }
        });
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> "one").build());
        assertThat(m.route(RouteRequest.of("churn", "k"), "in").output()).isEqualTo("one");
        assertThat(router.status().internalErrors()).isEqualTo(1);

        router.close();
        start(0, new RouteHook() {
            @Override
            public void afterDecision(HookContext context,
                    dev.releaserouter.api.RouteDecision decision) {
                throw new IllegalStateException();
            }

            @Override
            public void afterCall(HookContext context, CallEvent call) {
                throw new IllegalStateException();
            }

            @Override
            public void finallyAfter(HookContext context) {
                throw new IllegalStateException();
            }
        });
        m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> "one").build());
        assertThat(m.route(RouteRequest.of("churn", "k"), "in").output()).isEqualTo("one");
        assertThat(router.status().internalErrors()).isEqualTo(3);
    }

    @Test
    void noopRegistry_keepsNoStatePerCall() {
        RouteObservations o = RouteObservations.of(ObservationRegistry.NOOP);
        HookContext context = new HookContext() {
            Object state;

            @Override
            public RouteRequest request() {
                return RouteRequest.of("churn", "a");
            }

            @Override
            public boolean isAsync() {
                return false;
            }

            @Override
            public java.util.Optional<dev.releaserouter.api.RouteDecision> decision() {
                return java.util.Optional.empty();
            }

            @Override
            public Object state() {
                return state;
            }

            @Override
            public void setState(Object state) {
                this.state = state;
            }
        };
        o.beforeDecision(context);
        assertThat(context.state()).isNull();
        o.finallyAfter(context);
    }
}
