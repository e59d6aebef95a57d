package dev.releaserouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.Segments;
import dev.releaserouter.api.config.ShadowConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.RouteResult;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code Router.route(request, input)}: models registered once, dispatched by name. */
class RouterRouteTest {

    Router router;

    @AfterEach
    void close() {
        if (router != null) {
            router.close();
        }
    }

    /** churn: v1 stable, v2 shadowed for every entity; fraud: a 100% canary of v2. */
    Router start() {
        ModelConfig churn = ModelConfig.builder("churn").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").stage(Stage.APPROVED).build())
                .shadow(ShadowConfig.of("v2", 10_000, Set.of(), Segments.NONE))
                .build();
        ModelConfig fraud = ModelConfig.builder("fraud").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").stage(Stage.APPROVED)
                        .weightBasisPoints(10_000).build())
                .build();
        router = ReleaseRouter.builder()
                .config(Configs.of(churn, fraud))
                .auditSink(new RecordingAuditSink())
                .hashSecretHex(Configs.SECRET)
                .model(ModelBinding.<Double, Double>builder("churn")
                        .version("v1", x -> x * 2).version("v2", x -> x * 3).build())
                .model(ModelBinding.<String, String>builder("fraud")
                        .version("v1", x -> "v1:" + x).version("v2", x -> "v2:" + x).build())
                .build();
        return router;
    }

    @Test
    void route_dispatchesByTheRequestsModel_toItsRegisteredBinding() {
        start();

        RouteResult<Double> churn = router.route(RouteRequest.of("churn", "c-1"), 0.25);
        RouteResult<String> fraud = router.route(RouteRequest.of("fraud", "c-1"), "tx");

        assertThat(churn.output()).isEqualTo(0.5);
        assertThat(churn.servedVersion()).isEqualTo("v1");
        assertThat(fraud.output()).isEqualTo("v2:tx");
        assertThat(fraud.decision().isCandidate()).isTrue();
    }

    @Test
    void route_shadowsTheCandidate_likeTheBindingsOwnRoute() {
        start();

        RouteResult<Double> r = router.route(RouteRequest.of("churn", "c-2"), 1.0);

        assertThat(r.output()).isEqualTo(2.0);
        assertThat(r.shadow()).isEqualTo(ShadowDisposition.SCHEDULED);
        Polling.await(() -> !router.shadowStatistics().isEmpty() && router
                .shadowStatistics().get(0).outcomes().get(ShadowOutcome.SUCCESS) == 1);
    }

    @Test
    void route_modelNotRegistered_namesItAndTheRegisteredOnes() {
        start();

        assertThatIllegalArgumentException()
                .isThrownBy(() -> router.route(RouteRequest.of("upsell", "c-1"), "x"))
                .withMessageContaining("no model 'upsell' is registered")
                .withMessageContaining("[churn, fraud]");
        assertThatNullPointerException().isThrownBy(() -> router.route(null, "x"));
    }

    @Test
    void builder_sameModelTwice_isRefused() {
        ModelBinding<String, String> b = ModelBinding.<String, String>builder("churn")
                .version("v1", x -> x).build();
        ReleaseRouter.Builder builder = ReleaseRouter.builder().model(b);

        assertThatIllegalArgumentException().isThrownBy(() -> builder.model(b))
                .withMessage("model 'churn' is already registered; register each model once");
    }
}
