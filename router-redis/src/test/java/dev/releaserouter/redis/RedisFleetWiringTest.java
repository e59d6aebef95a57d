package dev.releaserouter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.spi.BudgetKey;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.audit.AuditVerification;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.redis.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link RedisFleet} hands out works together: routers on two fleets share one exact budget
 * and one hash-chained audit trail that names each change's instance.
 */
class RedisFleetWiringTest {

    private RedisServer redis;
    private final List<RedisFleet> fleets = new ArrayList<>();
    private final List<RouterAdmin> routers = new ArrayList<>();
    private final String prefix = "wiring-" + UUID.randomUUID() + ":";

    @BeforeEach
    void startRedis() {
        redis = RedisServer.start();
    }

    @AfterEach
    void stop() {
        routers.forEach(r -> r.router().close());
        fleets.forEach(RedisFleet::close);
        redis.close();
    }

    private RouterAdmin router(String instance, long maxRequests) {
        RedisFleet fleet = RedisFleet.builder(redis.uri()).instanceId(instance).keyPrefix(prefix)
                .commandTimeout(Duration.ofSeconds(1)).budgetAllotment(7).build();
        fleets.add(fleet);
        ModelConfig m = Configs.churn(0).build().toBuilder()
                .version(VersionConfig.builder("v2").weightBasisPoints(10_000)
                        .budget(ExposureBudget.builder().maxRequests(maxRequests).build())
                        .build())
                .build();
        RouterAdmin admin = ReleaseRouter.builder().config(Configs.of(m))
                .hashSecretHex(Configs.SECRET).overrideStore(fleet.overrideStore())
                .budgetLedger(fleet.budgetLedger()).auditSink(fleet.auditSink())
                .buildWithAdmin();
        routers.add(admin);
        return admin;
    }

    @Test
    void twoInstances_shareOneExactBudget_andOneAuditTrailNamingTheInstance() throws Exception {
        RouterAdmin a = router("pod-a", 500);
        RouterAdmin b = router("pod-b", 500);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> granted = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                RouterAdmin r = t % 2 == 0 ? a : b;
                int thread = t;
                granted.add(pool.submit(() -> {
                    int n = 0;
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    // Bounded in count and time; refills are asynchronous, so keep asking.
                    for (int i = 0; i < 2_000_000 && System.nanoTime() < deadline; i++) {
                        if (r.router().decide(RouteRequest.of("churn", "c" + thread + "-" + i))
                                .isCandidate()) {
                            n++;
                        }
                        if (n > 0 && i % 1_000 == 0 && consumedFleetWide(a) >= 500) {
                            break;
                        }
                    }
                    return n;
                }));
            }
            int total = 0;
            for (Future<Integer> f : granted) {
                total += f.get(30, TimeUnit.SECONDS);
            }
            assertThat(total).as("never more than the fleet's budget").isLessThanOrEqualTo(500);
            assertThat(total).as("the budget is used, not lost in reserves")
                    .isGreaterThanOrEqualTo(500 - 2 * 7 * 2);
        } finally {
            pool.shutdownNow();
        }

        ChangeContext ops = ChangeContext.of("ops@example.com", "error spike");
        a.kill(KillTarget.version("churn", "v2"), ops);
        b.unkill(KillTarget.version("churn", "v2"), ops);
        RedisFleet fleet = fleets.get(0);
        AuditVerification chain = fleet.verifyAudit();
        assertThat(chain.ok()).as(chain.toString()).isTrue();
        List<AuditEvent> events = fleets.get(1).readAudit();
        assertThat(events).extracting(AuditEvent::action).contains("kill.on", "kill.off");
        assertThat(events).filteredOn(e -> e.action().equals("kill.on"))
                .singleElement().satisfies(e -> assertThat(e.actor()).contains("pod-a"));
        assertThat(events).filteredOn(e -> e.action().equals("kill.off"))
                .singleElement().satisfies(e -> assertThat(e.actor()).contains("pod-b"));
    }

    private long consumedFleetWide(RouterAdmin any) {
        return fleets.get(0).budgetLedger()
                .account(new BudgetKey("churn", "v2")).consumed();
    }
}
