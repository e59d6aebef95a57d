package dev.releaserouter.core.testing;

import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.core.ReleaseRouter;
import java.time.Clock;

/** Small configurations used across tests. */
public final class Configs {

    public static final String SECRET = "000102030405060708090a0b0c0d0e0f";

    private Configs() {}

    /** churn: stable v1, candidate v2 at the given basis points. */
    public static ModelConfig.Builder churn(int v2BasisPoints) {
        return ModelConfig.builder("churn")
                .stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").weightBasisPoints(v2BasisPoints).build());
    }

    public static ModelConfig.Builder withStage(ModelConfig.Builder b, String v, Stage s) {
        ModelConfig m = b.build();
        return m.toBuilder().version(m.version(v).toBuilder().stage(s).build());
    }

    public static RouterConfig of(ModelConfig... models) {
        RouterConfig.Builder b = RouterConfig.builder();
        for (ModelConfig m : models) {
            b.model(m);
        }
        return b.build();
    }

    public static Router router(RouterConfig config) {
        return router(config, new RecordingAuditSink(), Clock.systemUTC());
    }

    public static Router router(RouterConfig config, RecordingAuditSink audit, Clock clock) {
        return ReleaseRouter.builder()
                .flagSource(new PushSource(config))
                .auditSink(audit)
                .clock(clock)
                .hashSecretHex(SECRET)
                .build();
    }

    /** As {@link #router(RouterConfig, RecordingAuditSink, Clock)}, with its admin. */
    public static RouterAdmin admin(RouterConfig config, RecordingAuditSink audit, Clock clock) {
        return ReleaseRouter.builder()
                .flagSource(new PushSource(config))
                .auditSink(audit)
                .clock(clock)
                .hashSecretHex(SECRET)
                .buildWithAdmin();
    }

    /** As {@link #router(RouterConfig)}, with its admin. */
    public static RouterAdmin admin(RouterConfig config) {
        return admin(config, new RecordingAuditSink(), Clock.systemUTC());
    }
}
