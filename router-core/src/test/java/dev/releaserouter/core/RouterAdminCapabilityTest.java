package dev.releaserouter.core;

import static dev.releaserouter.core.testing.Configs.churn;
import static dev.releaserouter.core.testing.Configs.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.api.config.FlagSource;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.MutableClock;
import dev.releaserouter.core.testing.PushSource;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The capability split: a Router evaluates; only its RouterAdmin changes routing. */
class RouterAdminCapabilityTest {

    static final ChangeContext OPS = ChangeContext.of("maria.s", "canary p95 over SLO", "INC-7");
    static final RouteRequest REQ = RouteRequest.of("churn", "customer-43"); // bucket 4939

    @Test
    void build_returnsARouterThatCannotBeCastToAdminOrFlagSourceListener() {
        Router router = Configs.router(of(churn(10_000).build()));

        assertThat(router).isNotInstanceOf(RouterAdmin.class)
                .isNotInstanceOf(FlagSource.Listener.class);
    }

    @Test
    void buildWithAdmin_itsRouterCannotBeCastToAdminOrFlagSourceListenerEither() {
        RouterAdmin admin = Configs.admin(of(churn(10_000).build()));

        assertThat(admin.router()).isNotInstanceOf(RouterAdmin.class)
                .isNotInstanceOf(FlagSource.Listener.class);
        assertThat(admin).as("the admin is not a router either").isNotInstanceOf(Router.class);
    }

    @Test
    void adminRouter_isTheSameRouterEveryTime() {
        RouterAdmin admin = Configs.admin(of(churn(10_000).build()));

        assertThat(admin.router()).isNotNull().isSameAs(admin.router());
    }

    @Test
    void adminChange_isVisibleInTheRoutersDecide_andAudited() {
        RecordingAuditSink audit = new RecordingAuditSink();
        MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
        RouterAdmin admin = Configs.admin(of(churn(10_000).build()), audit, clock);
        Router router = admin.router();
        assertThat(router.decide(REQ).reason()).isEqualTo(Reason.CANARY_BUCKET);

        admin.kill(KillTarget.version("churn", "v2"), OPS);

        assertThat(router.decide(REQ).reason()).isEqualTo(Reason.KILL_SWITCH);
        AuditEvent e = audit.last();
        assertThat(e.action()).isEqualTo("kill.on");
        assertThat(e.actor()).isEqualTo("maria.s");
        assertThat(e.ticket()).isEqualTo("INC-7");
        assertThat(e.revision()).isEqualTo(router.configRevision());
    }

    @Test
    void applyConfig_replacesTheBase_keepsOverrides_andIsAudited() {
        RecordingAuditSink audit = new RecordingAuditSink();
        RouterAdmin admin = Configs.admin(of(churn(0).build()), audit,
                MutableClock.at("2026-11-22T10:00:00Z"));
        admin.kill(KillTarget.tenant("churn", "acme"), OPS);

        admin.applyConfig(of(churn(10_000).build()), OPS);

        Router router = admin.router();
        assertThat(router.decide(REQ).isCandidate()).as("the new base is in force").isTrue();
        assertThat(router.decide(REQ.toBuilder().tenant("acme").build()).reason())
                .as("the override stays").isEqualTo(Reason.KILL_SWITCH);
        assertThat(audit.last().action()).isEqualTo("config.apply");
        assertThat(audit.last().revision()).isEqualTo(router.configRevision());
    }

    @Test
    void flagSourceChanges_stillReachTheRouter_withoutTheRouterBeingTheListener() {
        PushSource source = new PushSource(of(churn(0).build()));
        Router router = ReleaseRouter.builder().flagSource(source)
                .auditSink(new RecordingAuditSink()).hashSecretHex(Configs.SECRET).build();

        source.push(of(churn(10_000).build()));

        assertThat(router.decide(REQ).isCandidate()).isTrue();
        assertThat(router.status().reloads()).isEqualTo(1);
    }

    @Test
    void closingTheAdminsRouter_closesTheAuditSink_andRefusesFurtherChanges() {
        AtomicInteger closes = new AtomicInteger();
        RecordingAuditSink recorded = new RecordingAuditSink();
        AuditSink audit = new AuditSink() {
            @Override
            public void record(AuditEvent event) {
                recorded.record(event);
            }

            @Override
            public void close() {
                closes.incrementAndGet();
            }
        };
        RouterAdmin admin = ReleaseRouter.builder().config(of(churn(10_000).build()))
                .auditSink(audit).hashSecretHex(Configs.SECRET).buildWithAdmin();

        admin.router().close();
        admin.router().close();

        assertThat(closes).as("closed once; close is idempotent").hasValue(1);
        int events = recorded.events.size();
        assertThatThrownBy(() -> admin.kill(KillTarget.model("churn"), OPS))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(recorded.events).as("nothing audited after close").hasSize(events);
    }
}
