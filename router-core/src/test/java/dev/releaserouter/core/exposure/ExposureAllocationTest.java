package dev.releaserouter.core.exposure;

import static dev.releaserouter.core.testing.Configs.SECRET;
import static dev.releaserouter.core.testing.Configs.churn;
import static dev.releaserouter.core.testing.Configs.of;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.core.testing.PushSource;
import dev.releaserouter.core.testing.RecordingAuditSink;
import dev.releaserouter.core.testing.RecordingExposureSink;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * With exposures on, {@code decide} for entities already exposed within the window (duplicates)
 * allocates nothing on the calling thread: the deduplication lookup is keyed by the request's own
 * entity-key string and Caffeine's read path records into preallocated buffers. Measured with
 * the thread's allocated-bytes counter, as {@code DecideAllocationTest} does; router-benchmarks'
 * ExposureBenchmark gives the time.
 */
class ExposureAllocationTest {

    private static final int CALLS = 200_000;

    @Test
    void decide_duplicateExposures_allocateNothing() {
        RecordingExposureSink sink = new RecordingExposureSink();
        try (Router r = ReleaseRouter.builder()
                .flagSource(new PushSource(of(churn(5_000).build())))
                .auditSink(new RecordingAuditSink())
                .hashSecretHex(SECRET)
                .exposures(ExposureSettings.builder(sink).attributes("plan").build())
                .build()) {
            RouteRequest[] requests = new RouteRequest[16];
            for (int i = 0; i < requests.length; i++) {
                requests[i] = RouteRequest.builder("churn", "customer-" + i).tenant("acme")
                        .attribute("plan", "gold").build();
            }
            run(r, requests, CALLS); // warm-up: the first call of each is new, then JIT
            Polling.await(() -> sink.events.size() == requests.length);

            com.sun.management.ThreadMXBean mx =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = mx.getCurrentThreadAllocatedBytes();
            long candidates = run(r, requests, CALLS);
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;

            assertThat(candidates).isPositive();
            assertThat(sink.events).as("no new exposure while measuring").hasSize(16);
            // Less than one byte per call: anything allocated per call would be >= 16 bytes.
            assertThat(allocated).as("bytes allocated by %s duplicate decisions", CALLS)
                    .isLessThan(CALLS);
        }
    }

    private static long run(Router r, RouteRequest[] requests, int calls) {
        long candidates = 0;
        for (int i = 0; i < calls; i++) {
            RouteDecision d = r.decide(requests[i & 15]);
            if (d.isCandidate()) {
                candidates++;
            }
        }
        return candidates;
    }
}
