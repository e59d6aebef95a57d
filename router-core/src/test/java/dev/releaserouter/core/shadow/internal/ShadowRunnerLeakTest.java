package dev.releaserouter.core.shadow.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.core.shadow.ShadowComparators;
import dev.releaserouter.core.shadow.ShadowSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class ShadowRunnerLeakTest {

    @Test
    void finishedCalls_leaveNothingInFlight_andCountsAreExact() {
        ShadowRunner runner = new ShadowRunner(ShadowSettings.builder().threads(2)
                .queueCapacity(20_000).adaptiveLimit(false).timeout(Duration.ofMinutes(10))
                .build(), Clock.systemUTC());
        RouteRequest request = RouteRequest.of("churn", "k");
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            assertThat(runner.submit("churn", "v1", "v2", (String x) -> x, "in", "in", 1,
                    request, ShadowComparators.equality(), null))
                    .isEqualTo(ShadowDisposition.SCHEDULED);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (runner.stats("churn", "v2").count(ShadowOutcome.SUCCESS) < n) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            LockSupport.parkNanos(1_000_000);
        }
        // Nothing of the finished calls stays behind: none in flight (a worker gives its place
        // back just after counting the outcome), no call running.
        dev.releaserouter.core.testing.Polling.await(() -> runner.inFlight() == 0);
        assertThat(runner.runningCalls()).isZero();
        assertThat(runner.statistics().get(0).matches()).isEqualTo(n);
        runner.close();
    }
}
