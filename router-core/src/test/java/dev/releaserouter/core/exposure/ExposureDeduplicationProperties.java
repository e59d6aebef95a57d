package dev.releaserouter.core.exposure;

import static dev.releaserouter.core.testing.Configs.SECRET;
import static dev.releaserouter.core.testing.Configs.churn;
import static dev.releaserouter.core.testing.Configs.of;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.testing.PushSource;
import dev.releaserouter.core.testing.RecordingAuditSink;
import dev.releaserouter.core.testing.RecordingExposureSink;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Within one window and below the capacity, the exposures emitted are exactly the distinct
 * (entity, version) pairs of the decisions, whatever the order of decisions and of kill switch
 * changes that move entities between versions.
 */
class ExposureDeduplicationProperties {

    private static final ChangeContext OPS = ChangeContext.of("ops", "property");

    @Property(tries = 60)
    void exposures_areTheDistinctEntityVersionPairs(@ForAll("steps") List<Integer> steps) {
        RecordingExposureSink sink = new RecordingExposureSink();
        RouterAdmin admin = ReleaseRouter.builder()
                .flagSource(new PushSource(of(churn(5_000).build())))
                .auditSink(new RecordingAuditSink())
                .hashSecretHex(SECRET)
                .exposures(ExposureSettings.builder(sink).plainEntityKeys().build())
                .buildWithAdmin();
        Set<String> pairs = new HashSet<>();
        boolean killed = false;
        try {
            for (int step : steps) {
                if (step < 0) { // toggle the candidate's kill switch
                    if (killed) {
                        admin.unkill(KillTarget.version("churn", "v2"), OPS);
                    } else {
                        admin.kill(KillTarget.version("churn", "v2"), OPS);
                    }
                    killed = !killed;
                    continue;
                }
                String entity = "customer-" + step;
                RouteDecision d = admin.router().decide(RouteRequest.of("churn", entity));
                pairs.add(entity + "/" + d.version());
            }
        } finally {
            admin.router().close(); // delivers everything queued
        }

        assertThat(sink.events).hasSize(pairs.size());
        assertThat(sink.events).extracting(e -> e.entity() + "/" + e.version())
                .containsExactlyInAnyOrderElementsOf(pairs);
    }

    @Provide
    Arbitrary<List<Integer>> steps() {
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(1, Arbitraries.just(-1)),
                        net.jqwik.api.Tuple.of(12, Arbitraries.integers().between(0, 30)))
                .list().ofMaxSize(120);
    }
}
