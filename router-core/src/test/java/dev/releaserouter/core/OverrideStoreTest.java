package dev.releaserouter.core;

import static dev.releaserouter.core.testing.Configs.SECRET;
import static dev.releaserouter.core.testing.Configs.churn;
import static dev.releaserouter.core.testing.Configs.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.api.spi.OverrideDocument;
import dev.releaserouter.api.spi.OverrideStore;
import dev.releaserouter.api.spi.Subscription;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Runtime overrides kept in, and shared through, an {@link OverrideStore}. */
class OverrideStoreTest {

    private static final ChangeContext OPS = ChangeContext.of("ops@example.com", "test");

    private static RouterAdmin router(OverrideStore store) {
        return ReleaseRouter.builder().config(of(churn(10_000).build())).hashSecretHex(SECRET)
                .auditSink(new RecordingAuditSink()).overrideStore(store).buildWithAdmin();
    }

    private static boolean killed(RouterAdmin r) {
        return r.router().decide(RouteRequest.of("churn", "k1")).reason() == Reason.KILL_SWITCH;
    }

    @Test
    void kill_onOneRouter_reachesEveryRouterSharingTheStore() {
        OverrideStore store = OverrideStore.inMemory();
        RouterAdmin a = router(store);
        RouterAdmin b = router(store);

        a.kill(KillTarget.model("churn"), OPS);

        assertThat(killed(a)).isTrue();
        Polling.await(() -> killed(b));
        assertThat(store.load().revision()).isEqualTo(1);
    }

    @Test
    void start_appliesTheOverridesTheStoreHolds() {
        OverrideStore store = OverrideStore.inMemory();
        router(store).kill(KillTarget.model("churn"), OPS);

        RouterAdmin late = router(store);

        assertThat(killed(late)).isTrue();
    }

    @Test
    void changesOnTwoRouters_loseNoUpdate() {
        OverrideStore store = OverrideStore.inMemory();
        RouterAdmin a = router(store);
        RouterAdmin b = router(store);

        a.setWeight("churn", "v2", 2_500, OPS);
        b.kill(KillTarget.tenant("churn", "t1"), OPS); // b may not have seen a's change yet

        for (RouterAdmin r : new RouterAdmin[] {a, b}) {
            Polling.await(() -> r.router().config().model("churn").version("v2")
                    .weightBasisPoints() == 2_500
                    && r.router().config().model("churn").kills().tenants().contains("t1"));
        }
    }

    @Test
    void change_storeFails_isRefused_andNothingIsPublished() {
        OverrideStore failing = new OverrideStore() {
            @Override
            public OverrideDocument load() {
                return OverrideDocument.EMPTY;
            }

            @Override
            public Optional<OverrideDocument> compareAndSet(long expected, String content) {
                throw new java.io.UncheckedIOException(new java.io.IOException("unreachable"));
            }

            @Override
            public Subscription subscribe(Listener listener) {
                return () -> { };
            }
        };
        RecordingAuditSink audit = new RecordingAuditSink();
        RouterAdmin r = ReleaseRouter.builder().config(of(churn(10_000).build()))
                .hashSecretHex(SECRET).auditSink(audit).overrideStore(failing).buildWithAdmin();
        long revision = r.router().configRevision();

        assertThatThrownBy(() -> r.kill(KillTarget.model("churn"), OPS))
                .isInstanceOf(java.io.UncheckedIOException.class);

        assertThat(killed(r)).isFalse();
        assertThat(r.router().configRevision()).isEqualTo(revision);
        assertThat(audit.events).noneMatch(e -> e.action().equals("kill.on"));
    }

    @Test
    void auditSinkThrowingAFatalError_onAKill_takesTheKillBackFromTheStoreToo() {
        OverrideStore store = OverrideStore.inMemory();
        OutOfMemoryError oom = new OutOfMemoryError("injected");
        AuditSink[] sink = {event -> { }};
        RouterAdmin r = ReleaseRouter.builder().config(of(churn(10_000).build()))
                .hashSecretHex(SECRET).auditSink(event -> sink[0].record(event))
                .overrideStore(store).buildWithAdmin();
        sink[0] = event -> {
            throw oom;
        };

        assertThatThrownBy(() -> r.kill(KillTarget.version("churn", "v2"), OPS)).isSameAs(oom);

        // Without the revert the store kept the kill, and its notification applied it to this
        // router (and every router sharing the store) with no audit entry.
        assertThat(store.load().content()).as("the kill was taken back").doesNotContain("v2");
        assertThat(killed(r)).isFalse();
        r.router().close();
    }

    @Test
    void start_storeFails_routerStartsWithoutOverrides_andCountsIt() {
        OverrideStore failing = new OverrideStore() {
            @Override
            public OverrideDocument load() {
                throw new java.io.UncheckedIOException(new java.io.IOException("unreachable"));
            }

            @Override
            public Optional<OverrideDocument> compareAndSet(long expected, String content) {
                return Optional.empty();
            }

            @Override
            public Subscription subscribe(Listener listener) {
                return () -> { };
            }
        };

        RouterAdmin r = router(failing);

        assertThat(killed(r)).isFalse();
        assertThat(r.router().status().internalErrors()).isEqualTo(1);
    }
}
