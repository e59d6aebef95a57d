package dev.releaserouter.core.exposure;

import static dev.releaserouter.core.testing.Configs.SECRET;
import static dev.releaserouter.core.testing.Configs.churn;
import static dev.releaserouter.core.testing.Configs.of;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.ComponentStatus;
import dev.releaserouter.api.Reason;
import dev.releaserouter.api.Role;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.spi.ExposureEvent;
import dev.releaserouter.api.spi.ExposureEvent.EntityEncoding;
import dev.releaserouter.api.spi.ExposureSink;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.core.testing.PushSource;
import dev.releaserouter.core.testing.RecordingAuditSink;
import dev.releaserouter.core.testing.RecordingExposureSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Exposure events through the public API: what is emitted, when, once, and never blocking. */
class ExposureEventsTest {

    private static final ChangeContext OPS = ChangeContext.of("ops", "test");

    private final MutableClock clock = MutableClock.at("2026-03-01T12:00:00Z");
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final RecordingExposureSink sink = new RecordingExposureSink();
    private final List<Router> routers = new ArrayList<>();

    @AfterEach
    void close() {
        routers.forEach(Router::close);
    }

    private RouterAdmin admin(ExposureSettings.Builder settings) {
        RouterAdmin admin = ReleaseRouter.builder()
                .flagSource(new PushSource(of(churn(5_000).build())))
                .auditSink(new RecordingAuditSink())
                .clock(clock)
                .ticker(nanos::get)
                .hashSecretHex(SECRET)
                .exposures(settings.build())
                .buildWithAdmin();
        routers.add(admin.router());
        return admin;
    }

    private Router router(ExposureSettings.Builder settings) {
        return admin(settings).router();
    }

    private static Map<String, Object> details(Router r) {
        return exposures(r).details();
    }

    private static ComponentStatus exposures(Router r) {
        return r.status().components().get("exposures");
    }

    private static long exposed(Router r) {
        return (Long) details(r).get("exposed");
    }

    /** The first entity key customer-N whose decision has the given reason. */
    private static String entityWith(Router r, Reason reason) {
        for (int i = 0; ; i++) {
            String key = "probe-" + i;
            if (r.decide(RouteRequest.of("churn", key)).reason() == reason) {
                return key;
            }
        }
    }

    @Test
    void decide_newEntity_emitsOneEventWithTheDecisionAndRequestFields() {
        Router r = router(ExposureSettings.builder(sink).plainEntityKeys().attributes("plan"));
        RouteRequest request = RouteRequest.builder("churn", "customer-42").tenant("acme")
                .region("BR").channel("app").product("loans").attribute("plan", "gold")
                .attribute("email", "x@example.com").build();

        RouteDecision d = r.decide(request);

        Polling.await(() -> sink.events.size() == 1);
        ExposureEvent e = sink.events.get(0);
        assertThat(e.time()).isEqualTo(Instant.parse("2026-03-01T12:00:00Z"));
        assertThat(e.model()).isEqualTo("churn");
        assertThat(e.version()).isEqualTo(d.version());
        assertThat(e.role()).isEqualTo(d.role());
        assertThat(e.reason()).isEqualTo(d.reason());
        assertThat(e.bucket()).isEqualTo(d.bucket());
        assertThat(e.configRevision()).isEqualTo(d.configRevision());
        assertThat(e.entity()).isEqualTo("customer-42");
        assertThat(e.entityEncoding()).isEqualTo(EntityEncoding.PLAIN);
        assertThat(e.tenant()).isEqualTo("acme");
        assertThat(e.region()).isEqualTo("BR");
        assertThat(e.channel()).isEqualTo("app");
        assertThat(e.product()).isEqualTo("loans");
        assertThat(e.attributes()).as("only allow-listed attributes")
                .isEqualTo(Map.of("plan", "gold"));
        assertThat(sink.threads).containsOnly("release-router-exposures");
    }

    @Test
    void decide_sameEntityWithinWindow_isADuplicate_andEmitsAgainAfterTheWindow() {
        Router r = router(ExposureSettings.builder(sink)
                .deduplicationWindow(Duration.ofMinutes(10)));
        RouteRequest request = RouteRequest.of("churn", "customer-42");

        for (int i = 0; i < 5; i++) {
            r.decide(request);
        }
        nanos.addAndGet(Duration.ofMinutes(10).toNanos() - 1);
        r.decide(RouteRequest.of("churn", "customer-42")); // another String object, same key

        assertThat(exposed(r)).isEqualTo(1);
        assertThat(details(r).get("duplicates")).isEqualTo(5L);

        nanos.addAndGet(1);
        r.decide(request);

        assertThat(exposed(r)).isEqualTo(2);
        Polling.await(() -> sink.events.size() == 2);
    }

    @Test
    void decide_zeroWindow_emitsEveryDecision() {
        Router r = router(ExposureSettings.builder(sink).deduplicationWindow(Duration.ZERO));

        for (int i = 0; i < 3; i++) {
            r.decide(RouteRequest.of("churn", "customer-42"));
        }

        assertThat(exposed(r)).isEqualTo(3);
    }

    @Test
    void decide_deniedTenant_emitsTheStableVersionWithItsReasonAndNoBucket() {
        RouterAdmin admin = admin(ExposureSettings.builder(sink));
        admin.deny("churn", Dimension.TENANT, "vip", OPS);

        admin.router().decide(RouteRequest.builder("churn", "customer-42").tenant("vip").build());

        Polling.await(() -> sink.events.size() == 1);
        ExposureEvent e = sink.events.get(0);
        assertThat(e.version()).isEqualTo("v1");
        assertThat(e.role()).isEqualTo(Role.STABLE);
        assertThat(e.reason()).isEqualTo(Reason.DENIED_SEGMENT);
        assertThat(e.bucket()).isEmpty();
        assertThat(e.configRevision()).isEqualTo(2);
    }

    @Test
    void decide_candidateKilled_emitsTheEntitysNewVersion_withTheKillSwitchReason() {
        RouterAdmin admin = admin(ExposureSettings.builder(sink));
        Router r = admin.router();
        String canary = entityWith(r, Reason.CANARY_BUCKET);
        r.decide(RouteRequest.of("churn", canary));
        long before = exposed(r);

        admin.kill(dev.releaserouter.api.admin.KillTarget.version("churn", "v2"), OPS);
        r.decide(RouteRequest.of("churn", canary));
        r.decide(RouteRequest.of("churn", canary));

        assertThat(exposed(r)).isEqualTo(before + 1);
        Polling.await(() -> sink.events.stream().anyMatch(e -> e.reason() == Reason.KILL_SWITCH));
        ExposureEvent killed = sink.events.stream()
                .filter(e -> e.reason() == Reason.KILL_SWITCH).findFirst().orElseThrow();
        assertThat(killed.version()).isEqualTo("v1");
        assertThat(killed.role()).isEqualTo(Role.STABLE);
    }

    @Test
    void decide_entityKeys_areHmacSha256WithTheKeyDerivedFromTheHashSecret_byDefault() {
        Router r = router(ExposureSettings.builder(sink));

        r.decide(RouteRequest.of("churn", "customer-42"));
        r.decide(RouteRequest.of("churn", "cliente-ção"));

        Polling.await(() -> sink.events.size() == 2);
        // Python 3: k = hmac.new(bytes.fromhex(SECRET), b"release-router/exposure-entity-key/v1",
        //     hashlib.sha256).digest(); hmac.new(k, b"customer-42", hashlib.sha256).hexdigest()
        assertThat(sink.events.get(0).entity()).isEqualTo(
                "1907d6ad5885918627501d8a19493cbb730286ae1572808681da227cb5984cf6");
        // ... and hmac.new(k, "cliente-ção".encode(), hashlib.sha256).hexdigest()
        assertThat(sink.events.get(1).entity()).isEqualTo(
                "43c00418964be93964f6df50c4c4caec00fea431be92d1f764888ed8fef436d2");
        assertThat(sink.events.get(0).entityEncoding()).isEqualTo(EntityEncoding.HMAC_SHA256);
    }

    @Test
    void decide_explicitHashKey_isTheHmacKey() {
        byte[] key = "warehouse-join-key-0123456789abc".getBytes(StandardCharsets.US_ASCII);
        Router r = router(ExposureSettings.builder(sink).hashEntityKeys(key));

        r.decide(RouteRequest.of("churn", "customer-42"));

        Polling.await(() -> sink.events.size() == 1);
        // Python 3: hmac.new(b"warehouse-join-key-0123456789abc", b"customer-42",
        //     hashlib.sha256).hexdigest()
        assertThat(sink.events.get(0).entity()).isEqualTo(
                "e87750e5bfda99a3280de92880595d77ddd644c8b3d19616f1150a4341f02cc4");
    }

    @Test
    void route_emitsTheExposureOfItsDecision() {
        Router r = ReleaseRouter.builder()
                .flagSource(new PushSource(of(churn(5_000).build())))
                .auditSink(new RecordingAuditSink())
                .hashSecretHex(SECRET)
                .model(ModelBinding.<String, String>builder("churn")
                        .version("v1", in -> "one").version("v2", in -> "two").build())
                .exposures(ExposureSettings.builder(sink).plainEntityKeys().build())
                .build();
        routers.add(r);

        String out = r.<String, String>route(RouteRequest.of("churn", "customer-7"), "in")
                .output();

        Polling.await(() -> sink.events.size() == 1);
        assertThat(sink.events.get(0).version()).isEqualTo(out.equals("one") ? "v1" : "v2");
        assertThat(sink.events.get(0).entity()).isEqualTo("customer-7");
    }

    @Test
    void outcomesLabelsAndUnknownModels_areNotExposures() {
        Router r = router(ExposureSettings.builder(sink));

        r.recordOutcome(RouteRequest.of("churn", "customer-1"), "converted", 1);
        r.recordLabel(RouteRequest.of("churn", "customer-2"), 0.3, 1);
        r.decide(RouteRequest.of("no-such-model", "customer-3"));

        assertThat(exposed(r)).isZero();
        assertThat(details(r).get("duplicates")).isEqualTo(0L);
    }

    @Test
    void close_deliversWhatIsQueued_thenFlushesAndClosesTheSink() {
        CountDownLatch release = new CountDownLatch(1);
        RecordingExposureSink slow = new RecordingExposureSink() {
            @Override
            public void record(ExposureEvent event) {
                await(release);
                super.record(event);
            }
        };
        Router r = router(ExposureSettings.builder(slow));
        for (int i = 0; i < 50; i++) {
            r.decide(RouteRequest.of("churn", "customer-" + i));
        }

        release.countDown();
        r.close();

        assertThat(slow.events).hasSize(50);
        assertThat(slow.flushes.get()).isPositive();
        assertThat(slow.closes.get()).isEqualTo(1);
    }

    @Test
    void fullQueue_dropsAndCounts_withoutBlockingDecide_andADroppedEntityIsEmittedLater() {
        CountDownLatch release = new CountDownLatch(1);
        RecordingExposureSink blocked = new RecordingExposureSink() {
            @Override
            public void record(ExposureEvent event) {
                await(release);
                super.record(event);
            }
        };
        Router r = router(ExposureSettings.builder(blocked).queueCapacity(4).plainEntityKeys());

        long start = System.nanoTime();
        for (int i = 0; i < 1_000; i++) {
            r.decide(RouteRequest.of("churn", "customer-" + i));
        }
        long elapsed = System.nanoTime() - start;

        Map<String, Object> d = details(r);
        assertThat((Long) d.get("exposed") + (Long) d.get("dropped")).isEqualTo(1_000);
        assertThat((Long) d.get("exposed")).as("the queue's 4 and one in the sink's hands")
                .isBetween(4L, 5L);
        assertThat(elapsed).as("1000 decisions with a blocked sink")
                .isLessThan(TimeUnit.SECONDS.toNanos(5));
        release.countDown();
        Polling.await(() -> (Long) details(r).get("recorded") == (Long) d.get("exposed"));

        r.decide(RouteRequest.of("churn", "customer-999")); // dropped before: not a duplicate

        Polling.await(() -> blocked.events.stream()
                .anyMatch(e -> e.entity().equals("customer-999")));
    }

    @Test
    void failingSink_isCountedAndDegraded_itsThreadKeepsDelivering_andRecovers() {
        AtomicLong failures = new AtomicLong(3);
        RecordingExposureSink flaky = new RecordingExposureSink() {
            @Override
            public void record(ExposureEvent event) {
                long left = failures.getAndDecrement();
                if (left == 3) {
                    throw new IllegalStateException("disk full");
                }
                if (left == 2) {
                    throw new AssertionError("a sink bug");
                }
                if (left == 1) {
                    throw new StackOverflowError();
                }
                super.record(event);
            }
        };
        Router r = router(ExposureSettings.builder(flaky));
        for (int i = 0; i < 3; i++) {
            r.decide(RouteRequest.of("churn", "customer-" + i));
        }

        Polling.await(() -> (Long) details(r).get("sinkFailures") == 3);
        ComponentStatus failing = exposures(r);
        assertThat(failing.state()).isEqualTo(ComponentStatus.State.DEGRADED);
        assertThat(failing.error()).contains("the exposure sink fails", "StackOverflowError");
        assertThat(r.status().degradedComponents()).containsExactly("exposures");

        r.decide(RouteRequest.of("churn", "customer-3"));

        Polling.await(() -> flaky.events.size() == 1);
        Polling.await(() -> exposures(r).isUp());
        assertThat(details(r).get("recorded")).isEqualTo(1L);
    }

    @Test
    void asynchronousSinkFailures_showInTheStatus() {
        ExposureSink async = new ExposureSink() {
            @Override
            public void record(ExposureEvent event) {}

            @Override
            public long failedDeliveries() {
                return 7;
            }

            @Override
            public String failing() {
                return "broker unreachable";
            }
        };
        Router r = router(ExposureSettings.builder(async));

        assertThat(details(r).get("sinkFailures")).isEqualTo(7L);
        assertThat(exposures(r).error()).contains("broker unreachable");
    }

    @Test
    void manyThreadsDecidingTheSameNewEntities_emitEachExposureOnce() throws Exception {
        Router r = router(ExposureSettings.builder(sink));
        int entities = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                runs.add(pool.submit(() -> {
                    await(start);
                    for (int i = 0; i < entities; i++) {
                        r.decide(RouteRequest.of("churn", "customer-" + i));
                    }
                }));
            }
            start.countDown();
            for (Future<?> f : runs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(exposed(r)).isEqualTo(entities);
        assertThat(details(r).get("duplicates")).isEqualTo(7L * entities);
        Polling.await(() -> sink.events.size() == entities);
    }

    @Test
    void statusContributorNamedExposures_isRefusedWhenExposuresAreOn() {
        ReleaseRouter.Builder b = ReleaseRouter.builder()
                .flagSource(new PushSource(of(churn(5_000).build())))
                .statusContributor("exposures", () -> ComponentStatus.up(Map.of()))
                .exposures(ExposureSettings.builder(sink).build());

        org.assertj.core.api.Assertions.assertThatThrownBy(b::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'exposures'");
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
