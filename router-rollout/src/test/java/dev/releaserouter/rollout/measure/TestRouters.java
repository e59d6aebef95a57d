package dev.releaserouter.rollout.measure;

import dev.releaserouter.api.Router;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.time.Clock;

/** The router these tests attribute outcomes with: churn, v1 stable, v2 at 50%. */
public final class TestRouters {

    private TestRouters() {}

    public static Router fiftyPercentCanary(Clock clock) {
        return ReleaseRouter.builder()
                .config(Configs.of(Configs.churn(5_000).build()))
                .auditSink(new RecordingAuditSink())
                .hashSecretHex(Configs.SECRET)
                .clock(clock)
                .build();
    }
}
