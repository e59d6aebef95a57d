package dev.releaserouter.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.Router;
import dev.releaserouter.api.RouterStatus;
import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.FlagSource;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.PushSource;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A reload that fails with an {@code Error} (from compiling or auditing) is refused, counted and
 * reported in {@code status()}; it does not escape to the flag source's thread, and the next
 * reload applies. A flag source whose watcher stopped makes the status not up to date.
 */
class RouterReloadFailureTest {

    Router router;

    @AfterEach
    void close() {
        if (router != null) {
            router.close();
        }
    }

    /** Throws the planted error once for a reload, then records normally. */
    static final class ThrowingOnceSink implements AuditSink {
        final AtomicReference<Error> next = new AtomicReference<>();

        @Override
        public void record(AuditEvent event) {
            Error e = next.getAndSet(null);
            if (e != null) {
                throw e;
            }
        }
    }

    @Test
    void reload_auditSinkThrowsAnError_isRefusedAndReported_andTheNextReloadApplies() {
        PushSource source = new PushSource(Configs.of(Configs.churn(500).build()));
        ThrowingOnceSink audit = new ThrowingOnceSink();
        router = ReleaseRouter.builder().flagSource(source).auditSink(audit)
                .hashSecretHex(Configs.SECRET).build();
        long rev = router.configRevision();

        audit.next.set(new AssertionError("injected audit failure"));
        source.push(Configs.of(Configs.churn(600).build())); // must not throw

        RouterStatus failed = router.status();
        assertThat(failed.upToDate()).isFalse();
        assertThat(failed.reloadFailures()).isEqualTo(1);
        assertThat(failed.lastReloadError()).hasRootCauseInstanceOf(AssertionError.class);
        assertThat(router.configRevision()).isEqualTo(rev);

        source.push(Configs.of(Configs.churn(700).build()));
        assertThat(router.status().upToDate()).isTrue();
        assertThat(router.config().model("churn").version("v2").weightBasisPoints())
                .isEqualTo(700);
    }

    @Test
    void status_sourceWhoseWatcherStopped_isNotUpToDate() {
        RouterConfig config = Configs.of(Configs.churn(500).build());
        boolean[] alive = {true};
        FlagSource source = new FlagSource() {
            @Override
            public String description() {
                return "test:dying";
            }

            @Override
            public RouterConfig load() {
                return config;
            }

            @Override
            public boolean watcherAlive() {
                return alive[0];
            }
        };
        router = ReleaseRouter.builder().flagSource(source).hashSecretHex(Configs.SECRET)
                .build();
        assertThat(router.status().upToDate()).isTrue();

        alive[0] = false;

        assertThat(router.status().watcherAlive()).isFalse();
        assertThat(router.status().upToDate()).isFalse();
        assertThat(router.status().lastReloadError()).isNull();
    }

    @Test
    void status_sourceWhoseWatcherAliveThrows_isReportedNotAlive_andStatusDoesNotThrow() {
        RouterConfig config = Configs.of(Configs.churn(500).build());
        FlagSource source = new FlagSource() {
            @Override
            public String description() {
                return "test:broken";
            }

            @Override
            public RouterConfig load() {
                return config;
            }

            @Override
            public boolean watcherAlive() {
                throw new ConfigException("", null, "broken");
            }
        };
        router = ReleaseRouter.builder().flagSource(source).hashSecretHex(Configs.SECRET)
                .build();

        assertThat(router.status().watcherAlive()).isFalse();
    }
}
