package dev.releaserouter.redis;

import static dev.releaserouter.core.testing.Configs.SECRET;
import static dev.releaserouter.core.testing.Configs.churn;
import static dev.releaserouter.core.testing.Configs.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.ComponentStatus;
import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.config.KillSwitches;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.audit.AuditVerification;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.core.testing.PushSource;
import dev.releaserouter.redis.testing.RedisServer;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A kill switch pushed through the flag file acts while Redis is down: the fleet's audit sink
 * defers its entry (visible in the fleet's status) and replays it into the one chain when Redis
 * is back. Admin changes, which need the fleet's override store, are still refused.
 */
class RedisFleetAuditDeferralTest {

    private static final ChangeContext OPS = ChangeContext.of("ops@example.com", "error spike");

    private RedisServer redis;
    private RedisFleet fleet;
    private PushSource flags;
    private RouterAdmin admin;
    private final RouterConfig initial = of(churn(10_000).build());

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        fleet = RedisFleet.builder(redis.uri()).instanceId("pod-a")
                .keyPrefix("deferral-" + UUID.randomUUID() + ":")
                .commandTimeout(Duration.ofMillis(500)).build();
        flags = new PushSource(initial);
        admin = ReleaseRouter.builder().flagSource(flags).hashSecretHex(SECRET)
                .overrideStore(fleet.overrideStore()).auditSink(fleet.auditSink())
                .statusContributor("fleet", fleet::componentStatus).buildWithAdmin();
    }

    @AfterEach
    void stop() {
        admin.router().close();
        fleet.close();
        redis.close();
    }

    private static RouterConfig killed(RouterConfig config, String version) {
        ModelConfig m = config.model("churn");
        return of(m.toBuilder().kills(KillSwitches.of(false, Set.of(version), Set.of(),
                Set.of())).build());
    }

    @Test
    void flagFileKill_whileRedisIsDown_applies_isDeferred_andIsReplayedIntoOneValidChain() {
        Polling.await(() -> fleet.status().connected());
        assertThat(admin.router().decide(RouteRequest.of("churn", "c-1")).version())
                .isEqualTo("v2");
        redis.stop();

        long start = System.nanoTime();
        flags.push(killed(initial, "v2"));
        Duration applied = Duration.ofNanos(System.nanoTime() - start);

        assertThat(admin.router().decide(RouteRequest.of("churn", "c-1")).reason())
                .isEqualTo(Reason.KILL_SWITCH);
        assertThat(admin.router().status().lastReloadError()).isNull();
        assertThat(applied).isLessThan(Duration.ofSeconds(2));
        FleetStatus down = fleet.status();
        assertThat(down.auditDeferred()).isEqualTo(1);
        assertThat(down.auditOldestDeferred()).isNotNull();
        ComponentStatus c = admin.router().status().components().get("fleet");
        assertThat(c.state()).isEqualTo(ComponentStatus.State.DEGRADED);
        assertThat(c.details()).containsEntry("auditDeferred", 1L)
                .containsKey("auditOldestDeferred");
        System.out.println("flag-file kill applied with Redis down in " + applied.toMillis()
                + " ms");

        redis.restart();
        Duration replayed = Polling.await(() -> fleet.status().auditDeferred() == 0,
                Duration.ofSeconds(10));
        System.out.println("deferred entry replayed " + replayed.toMillis()
                + " ms after the restart returned");
        AuditVerification v = fleet.verifyAudit();
        assertThat(v.ok()).as(v.toString()).isTrue();
        List<AuditEvent> trail = fleet.readAudit();
        assertThat(trail).filteredOn(e -> e.action().equals("config.reload")).singleElement()
                .satisfies(e -> {
                    assertThat(e.actor()).endsWith("[instance pod-a] (deferred)");
                    assertThat(e.after()).contains("v2");
                    assertThat(e.time()).isEqualTo(down.auditOldestDeferred());
                });
        Polling.await(() -> admin.router().status().components().get("fleet").isUp(),
                Duration.ofSeconds(10));
    }

    @Test
    void adminKill_whileRedisIsDown_isRefusedByTheOverrideStore_withAClearMessage() {
        Polling.await(() -> fleet.status().connected());
        redis.stop();

        assertThatThrownBy(() -> admin.kill(KillTarget.version("churn", "v2"), OPS))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("Redis at").hasMessageContaining("override compare-and-set");
        assertThat(admin.router().decide(RouteRequest.of("churn", "c-1")).version())
                .as("not applied").isEqualTo("v2");
        assertThat(fleet.status().auditDeferred()).as("nothing to defer: refused first")
                .isZero();
    }
}
