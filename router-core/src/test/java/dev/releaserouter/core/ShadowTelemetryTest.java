package dev.releaserouter.core;

import static dev.releaserouter.core.testing.Polling.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.hook.CallEvent;
import dev.releaserouter.api.hook.HookContext;
import dev.releaserouter.api.hook.RouteHook;
import dev.releaserouter.api.hook.ShadowEvent;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.OutputValidator;
import dev.releaserouter.api.shadow.PolicyViolation;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.api.shadow.ShadowExecution;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowPair;
import dev.releaserouter.api.shadow.ShadowTelemetrySink;
import dev.releaserouter.core.shadow.JsonlShadowTelemetrySink;
import dev.releaserouter.core.shadow.ShadowSettings;
import dev.releaserouter.core.shadow.ShadowTelemetryJson;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.JsonMasker;
import dev.releaserouter.core.testing.RecordingAuditSink;
import dev.releaserouter.core.testing.RecordingPairStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 002's per-call shadow telemetry (a sink behind a bounded queue) and policy violations
 * reported by validators, on both paths.
 */
class ShadowTelemetryTest {

    Router router;
    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        release.countDown();
        if (router != null) {
            router.close();
        }
    }

    Router start(ShadowSettings settings, RouteHook... hooks) {
        ReleaseRouter.Builder b = ReleaseRouter.builder()
                .config(RouterConfig.builder()
                        .model(ShadowRouteTest.model(0, 10_000, Stage.APPROVED).build())
                        .build())
                .auditSink(new RecordingAuditSink())
                .hashSecretHex(Configs.SECRET)
                .shadow(settings);
        for (RouteHook h : hooks) {
            b.hook(h);
        }
        router = b.build();
        return router;
    }

    /** A decision model: "approve" unless the input says otherwise. */
    static OutputValidator<String> guardrail() {
        return new OutputValidator<>() {
            @Override
            public @Nullable String problem(@Nullable String output) {
                return output == null ? "null output" : null;
            }

            @Override
            public List<PolicyViolation> violations(@Nullable String output) {
                return output != null && output.contains("@")
                        ? List.of(PolicyViolation.critical("pii_leak"),
                                PolicyViolation.warning("free_text"))
                        : List.of();
            }
        };
    }

    @Test
    void everyShadowCall_sendsOneExecution_withTheSeedFields_hashedAndMasked() {
        List<ShadowExecution> got = new CopyOnWriteArrayList<>();
        start(ShadowRouteTest.fast().telemetry(got::add, new JsonMasker()).build());
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> "qualification")
                .version("v2", x -> x.equals("mail") ? "write to ana@x.com" : "qualification")
                .validator(guardrail())
                .build());

        m.route(RouteRequest.builder("churn", "customer-1").attribute("session_id", "demo_001")
                .build(), "hello");
        m.route(RouteRequest.of("churn", "customer-2"), "mail");

        await(() -> got.size() == 2);
        ShadowExecution first = got.stream().filter(e -> e.decisionsMatch() == Boolean.TRUE)
                .findFirst().orElseThrow();
        assertThat(first.sessionId()).isEqualTo("key:demo_001"); // the masker's hash
        assertThat(first.userMessageHash()).isEqualTo("key:\"hello\""); // hash of masked input
        assertThat(first.model()).isEqualTo("churn");
        assertThat(first.originalStage()).isEqualTo("v1");
        assertThat(first.shadowStage()).isEqualTo("v2");
        assertThat(first.status()).isEqualTo(ShadowOutcome.SUCCESS);
        assertThat(first.shadowLatencyMs()).isPresent();
        assertThat(first.originalTarget()).isEqualTo("\"qualification\"");
        assertThat(first.shadowTarget()).isEqualTo("\"qualification\"");
        assertThat(first.violations()).isEmpty();
        ShadowExecution second = got.stream().filter(e -> e.decisionsMatch() == Boolean.FALSE)
                .findFirst().orElseThrow();
        assertThat(second.sessionId()).isEqualTo("key:customer-2"); // no session: entity key
        assertThat(second.violations()).extracting(PolicyViolation::policy)
                .containsExactly("pii_leak", "free_text");
    }

    @Test
    void aBlockedSink_dropsAndCountsExecutions_andNeverDelaysTheShadowCalls() {
        CountDownLatch entered = new CountDownLatch(1);
        ShadowTelemetrySink blocked = e -> {
            entered.countDown();
            release.await(); // the delivery thread is stuck; the queue (capacity 1) fills up
        };
        start(ShadowRouteTest.fast().telemetry(blocked, new JsonMasker())
                .telemetryQueueCapacity(1).build());
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> "a").version("v2", x -> "a").build());

        for (int i = 0; i < 6; i++) {
            m.route(RouteRequest.of("churn", "k" + i), "in");
        }

        // Every shadow call still ends: the worker never waits for the sink.
        await(() -> router.shadowStatistics().get(0).outcomes().get(ShadowOutcome.SUCCESS) == 6);
        await(() -> entered.getCount() == 0);
        // One is in the sink, at most one waits in the queue: the rest were dropped.
        await(() -> (long) router.status().components().get("shadow").details()
                .get("telemetryDropped") >= 4);
    }

    @Test
    void aFailingSink_isCounted_andTheNextExecutionIsStillDelivered() {
        List<ShadowExecution> got = new CopyOnWriteArrayList<>();
        ShadowTelemetrySink flaky = e -> {
            if (got.isEmpty() && e.shadowTarget() != null && e.shadowTarget().contains("x")) {
                got.add(e);
                throw new IOException("disk full");
            }
            got.add(e);
        };
        start(ShadowRouteTest.fast().threads(1).telemetry(flaky, new JsonMasker()).build());
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> x).version("v2", x -> x).build());

        m.route(RouteRequest.of("churn", "k1"), "x");
        await(() -> got.size() == 1);
        m.route(RouteRequest.of("churn", "k2"), "y");

        await(() -> got.size() == 2);
        await(() -> (long) router.status().components().get("shadow").details()
                .get("telemetryFailures") == 1);
    }

    @Test
    void jsonlSink_writesOneGoldenLinePerExecution_andClosingTheRouterClosesIt(@TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("shadow.jsonl");
        start(ShadowRouteTest.fast().telemetry(new JsonlShadowTelemetrySink(file),
                new JsonMasker()).build());
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> "a").version("v2", x -> "b").build());
        m.route(RouteRequest.of("churn", "k1"), "in");
        await(() -> router.shadowStatistics().get(0).outcomes().get(ShadowOutcome.SUCCESS) == 1);

        router.close();

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).singleElement().satisfies(l -> assertThat(l)
                .startsWith("{\"event_type\":\"shadow_v2_execution\",\"session_id\":\"key:k1\"")
                .contains("\"decision_comparison\":{\"original_target\":\"\\\"a\\\"\","
                        + "\"shadow_target\":\"\\\"b\\\"\",\"decisions_match\":false}"));
    }

    @Test
    void telemetryJson_matchesTheGoldenLine() throws IOException {
        ShadowExecution e = new ShadowExecution("3f2a9c", "a1b2c3d4e5f6a7b8", "router",
                "greeting", "greeting", ShadowOutcome.SUCCESS, OptionalDouble.of(45.2),
                "\"qualification\"", "\"qualification\"", true,
                List.of(PolicyViolation.critical("pii_leak")),
                Instant.parse("2025-01-09T10:30:45.123Z"));
        String golden = new String(Objects.requireNonNull(getClass()
                .getResourceAsStream("/shadow/shadow_v2_execution.golden.jsonl")).readAllBytes(),
                StandardCharsets.UTF_8);

        assertThat(ShadowTelemetryJson.write(e) + "\n").isEqualTo(golden);
    }

    @Test
    void telemetryJson_writesNullsForATimeout() {
        ShadowExecution e = new ShadowExecution("s", "m", "churn", "v1", "v2",
                ShadowOutcome.TIMEOUT, OptionalDouble.empty(), "0.5", null, null, List.of(),
                Instant.parse("2025-01-09T10:30:45Z"));
        assertThat(ShadowTelemetryJson.write(e)).contains("\"shadow_status\":\"timeout\","
                + "\"shadow_latency_ms\":null,\"decision_comparison\":{\"original_target\":"
                + "\"0.5\",\"shadow_target\":null,\"decisions_match\":null}");
    }

    @Test
    void violations_reachTheHooks_onTheServedAndTheShadowPath_andThePairs() {
        List<CallEvent> calls = new CopyOnWriteArrayList<>();
        List<ShadowEvent> shadows = new CopyOnWriteArrayList<>();
        RouteHook hook = new RouteHook() {
            @Override
            public void afterCall(HookContext context, CallEvent call) {
                calls.add(call);
            }

            @Override
            public void afterShadow(ShadowEvent shadow) {
                shadows.add(shadow);
            }
        };
        RecordingPairStore store = new RecordingPairStore();
        start(ShadowRouteTest.fast().pairStore(store, new JsonMasker()).build(), hook);
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> "mail ana@x.com")
                .version("v2", x -> "fine")
                .validator(guardrail())
                .build());

        m.route(RouteRequest.builder("churn", "k1").tenant("retail-br").region("LATAM")
                .channel("app").build(), "in");

        await(() -> shadows.size() == 1 && store.pairs().size() == 1);
        assertThat(calls).singleElement().satisfies(c -> assertThat(c.violations())
                .containsExactly(PolicyViolation.critical("pii_leak"),
                        PolicyViolation.warning("free_text")));
        assertThat(shadows.get(0).violations()).isEmpty();
        ShadowPair pair = store.pairs().get(0);
        assertThat(pair.violations()).contains(List.of()); // checked, none
        assertThat(pair.tenant()).isEqualTo("retail-br");
        assertThat(pair.region()).isEqualTo("LATAM");
        assertThat(pair.channel()).isEqualTo("app");
    }

    @Test
    void aValidatorWhoseViolationsThrow_reportsNone_andTheRequestIsServed() {
        List<CallEvent> calls = new CopyOnWriteArrayList<>();
        RouteHook hook = new RouteHook() {
            @Override
            public void afterCall(HookContext context, CallEvent call) {
                calls.add(call);
            }
        };
        start(ShadowRouteTest.fast().build(), hook);
        OutputValidator<String> broken = new OutputValidator<>() {
            @Override
            public @Nullable String problem(@Nullable String output) {
                return null;
            }

            @Override
            public List<PolicyViolation> violations(@Nullable String output) {
                throw new StackOverflowError();
            }
        };
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> "a").version("v2", x -> "a").validator(broken).build());

        assertThat(m.route(RouteRequest.of("churn", "k1"), "in").output()).isEqualTo("a");
        assertThat(calls).singleElement().satisfies(c -> assertThat(c.violations()).isEmpty());
        assertThat(router.status().internalErrors()).isGreaterThanOrEqualTo(1);
        await(() -> router.shadowStatistics().get(0).outcomes().get(ShadowOutcome.SUCCESS) == 1);
    }
}
