package dev.releaserouter.core;

import static dev.releaserouter.core.testing.Polling.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.api.shadow.ShadowContext;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Candidate code can tell a shadow call from a served one (seed 001 §1, §3.4). */
class ShadowContextTest {

    Router router;

    @AfterEach
    void tearDown() {
        if (router != null) {
            router.close();
        }
    }

    Router start() {
        router = ReleaseRouter.builder()
                .config(RouterConfig.builder()
                        .model(ShadowRouteTest.model(0, 10_000, Stage.APPROVED).build())
                        .build())
                .auditSink(new RecordingAuditSink())
                .hashSecretHex(Configs.SECRET)
                .shadow(ShadowRouteTest.fast().build())
                .build();
        return router;
    }

    long shadowCalls() {
        return router.shadowStatistics().stream()
                .mapToLong(s -> s.outcomes().values().stream().mapToLong(Long::longValue).sum())
                .sum();
    }

    @Test
    void shadowCall_seesIsShadowTrue_whileTheServedCallSeesFalse() {
        start();
        List<String> seen = new CopyOnWriteArrayList<>();
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> {
                    seen.add("v1:" + ShadowContext.isShadow());
                    return "a";
                })
                .version("v2", x -> {
                    seen.add("v2:" + ShadowContext.isShadow());
                    return "a";
                })
                .build());

        m.route(RouteRequest.of("churn", "k1"), "in");

        await(() -> shadowCalls() == 1);
        assertThat(seen).containsExactlyInAnyOrder("v1:false", "v2:true");
        assertThat(ShadowContext.isShadow()).isFalse();
    }

    @Test
    void asyncShadowCall_seesIsShadowTrue_whenItStartsItsRequest() {
        start();
        List<String> seen = new CopyOnWriteArrayList<>();
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .asyncVersion("v1", x -> {
                    seen.add("v1:" + ShadowContext.isShadow());
                    return CompletableFuture.completedFuture("a");
                })
                .asyncVersion("v2", x -> {
                    seen.add("v2:" + ShadowContext.isShadow());
                    return CompletableFuture.completedFuture("a");
                })
                .build());

        m.routeAsync(RouteRequest.of("churn", "k1"), "in").toCompletableFuture().join();

        await(() -> shadowCalls() == 1);
        assertThat(seen).containsExactlyInAnyOrder("v1:false", "v2:true");
    }

    @Test
    void predictAsShadow_restoresThePreviousValue_evenWhenThePredictorThrows() {
        assertThatThrownBy(() -> ShadowContext.predictAsShadow(x -> {
            assertThat(ShadowContext.isShadow()).isTrue();
            throw new IllegalStateException("boom");
        }, "in")).isInstanceOf(IllegalStateException.class);
        assertThat(ShadowContext.isShadow()).isFalse();
    }

    @Test
    void predictAsShadow_nested_keepsTheOuterFlag() throws Exception {
        Boolean inner = ShadowContext.predictAsShadow(
                x -> ShadowContext.predictAsShadow(y -> ShadowContext.isShadow(), x)
                        && ShadowContext.isShadow(), "in");
        assertThat(inner).isTrue();
        assertThat(ShadowContext.isShadow()).isFalse();
    }
}
