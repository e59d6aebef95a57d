package dev.releaserouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.core.shadow.ShadowSettings;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.Polling;
import dev.releaserouter.core.testing.RecordingAuditSink;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What close() does with shadow threads, including those of candidates that ignore interrupts. */
class ShadowCloseTest {

    static final int THREADS = 4;
    /** Released by the test at the end: until then, the candidate ignores every interrupt. */
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger running = new AtomicInteger();
    Router router;

    @AfterEach
    void tearDown() {
        release.countDown();
        if (router != null) {
            router.close();
        }
    }

    Router start(ShadowSettings settings) {
        router = ReleaseRouter.builder()
                .config(RouterConfig.builder().model(ShadowRouteTest.model(0, 10_000,
                        Stage.APPROVED).build()).build())
                .auditSink(new RecordingAuditSink())
                .hashSecretHex(Configs.SECRET)
                .shadow(settings)
                .build();
        return router;
    }

    /** A candidate that ignores interruption until the test releases it (bounded: never hangs). */
    String stubborn(String in) {
        running.incrementAndGet();
        try {
            while (true) {
                try {
                    if (release.await(30, TimeUnit.SECONDS)) {
                        return in;
                    }
                } catch (InterruptedException ignored) {
                    // a buggy candidate swallows the interrupt and keeps going
                }
            }
        } finally {
            running.decrementAndGet();
        }
    }

    /** Live threads named {@code prefix<n>} (other test classes' routers use other names). */
    static List<Thread> threadsAlive(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix)
                        && t.getName().substring(prefix.length()).chars()
                                .allMatch(Character::isDigit))
                .filter(Thread::isAlive)
                .collect(Collectors.toList());
    }

    @Test
    void close_candidateIgnoringInterrupts_isBoundedAndReportsTheStragglersInLogAndStatus() {
        start(ShadowSettings.builder().threads(THREADS).queueCapacity(8)
                .timeout(Duration.ofSeconds(30)).closeTimeout(Duration.ofMillis(200)).build());
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> x).version("v2", this::stubborn).build());
        for (int i = 0; i < THREADS + 2; i++) { // four running, two queued
            assertThat(m.route(RouteRequest.of("churn", "k" + i), "in").shadow())
                    .isEqualTo(ShadowDisposition.SCHEDULED);
        }
        Polling.await(() -> running.get() == THREADS);

        PrintStream originalErr = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        long took;
        try {
            long t0 = System.nanoTime();
            router.close();
            took = System.nanoTime() - t0;
        } finally {
            System.setErr(originalErr);
        }

        // A bound, not a measurement: close() used to wait twice the 30 s shadow timeout.
        assertThat(took).as("close() waits about closeTimeout, not the shadow timeout")
                .isLessThan(TimeUnit.SECONDS.toNanos(10));
        assertThat(router.status().shadowStragglers()).isEqualTo(THREADS);
        List<String> warnings = logs.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("WARN") && l.contains("still running after close"))
                .collect(Collectors.toList());
        assertThat(warnings).as("one log line names the stragglers").singleElement()
                .satisfies(l -> assertThat(l).contains(THREADS + " shadow threads")
                        .contains("release-router-shadow-1").contains("release-router-shadow-4"));
        assertThat(threadsAlive("release-router-shadow-")).hasSizeGreaterThanOrEqualTo(THREADS)
                .allMatch(Thread::isDaemon);
        assertThat(router.shadowStatistics().get(0).dispositions())
                .containsEntry(ShadowDisposition.SCHEDULED, (long) THREADS + 2);

        release.countDown(); // the candidate finally returns: the threads end
        Polling.await(() -> router.status().shadowStragglers() == 0);
        Polling.await(() -> running.get() == 0);
    }

    @Test
    void close_wellBehavedCandidates_leaveNoStragglers() {
        // Half the close wait lets calls finish, the other half lets interrupted ones end:
        // a second each, so that a busy machine never turns an interrupted call into a straggler.
        start(ShadowSettings.builder().threads(THREADS).timeout(Duration.ofSeconds(30))
                .closeTimeout(Duration.ofSeconds(2)).build());
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> x).version("v2", x -> {
                    running.incrementAndGet();
                    try {
                        new CountDownLatch(1).await(); // stops when interrupted by close()
                        return x;
                    } finally {
                        running.decrementAndGet();
                    }
                }).build());
        for (int i = 0; i < THREADS; i++) {
            m.route(RouteRequest.of("churn", "k" + i), "in");
        }
        Polling.await(() -> running.get() == THREADS);

        router.close();

        assertThat(router.status().shadowStragglers()).isZero();
        assertThat(running.get()).as("every call stopped before close() returned").isZero();
    }

    @Test
    void customThreadFactory_nonDaemonThreads_areMadeDaemon() {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory nonDaemon = r -> {
            Thread t = new Thread(r, "release-router-shadow-custom-" + n.incrementAndGet());
            t.setDaemon(false);
            return t;
        };
        start(ShadowSettings.builder().threads(1).threadFactory(nonDaemon)
                .closeTimeout(Duration.ofMillis(100)).build());
        RoutedModel<String, String> m = router.bind(ModelBinding.<String, String>builder("churn")
                .version("v1", x -> x).version("v2", this::stubborn).build());
        m.route(RouteRequest.of("churn", "k"), "in");
        Polling.await(() -> running.get() == 1);

        router.close();

        assertThat(router.status().shadowStragglers()).isEqualTo(1);
        assertThat(threadsAlive("release-router-shadow-custom-")).singleElement()
                .as("a straggler must never keep the JVM alive").matches(Thread::isDaemon);
    }

    @Test
    void closeTimeout_outOfRange_isRejectedWithTheValue() {
        assertThatThrownBy(() -> ShadowSettings.builder().closeTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("closeTimeout must be positive, but was PT0S");
        assertThatThrownBy(() -> ShadowSettings.builder().closeTimeout(Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("closeTimeout must be between 1 ms and 10 minutes, but was PT1H");
        assertThat(ShadowSettings.DEFAULTS.closeTimeout()).isEqualTo(Duration.ofSeconds(5));
    }
}
