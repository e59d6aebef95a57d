package dev.releaserouter.core.shadow.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The adaptive limit's policy, driven by an injected ticker and every call sampled: no sleeps,
 * no threads, the same result on every run.
 */
class AdaptiveLimitTest {

    static final long WINDOW = 100_000_000L;
    static final int MAX = 20;

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final AdaptiveLimit limit = new AdaptiveLimit(MAX, 1.5, WINDOW, 1, now::get);

    /** One window: MIN_SAMPLES calls of the given latency, the last one after the window. */
    void window(long callerNanos) {
        for (int i = 0; i < AdaptiveLimit.MIN_SAMPLES - 1; i++) {
            limit.record(callerNanos);
        }
        now.addAndGet(WINDOW);
        limit.record(callerNanos);
    }

    @Test
    void firstWindow_onlySetsTheBaseline() {
        window(1_000);

        assertThat(limit.baseline()).isEqualTo(1_000);
        assertThat(limit.limit()).isEqualTo(MAX);
    }

    @Test
    void callersSlowerThanTheToleranceAllows_halveTheLimitEachWindow_downToZero() {
        window(1_000);

        window(1_600); // 1.6x the baseline, tolerance 1.5
        assertThat(limit.limit()).isEqualTo(10);
        window(3_000);
        assertThat(limit.limit()).isEqualTo(5);
        window(3_000);
        window(3_000);
        assertThat(limit.limit()).isEqualTo(1);
        window(3_000);
        assertThat(limit.limit()).isZero();
        window(3_000);
        assertThat(limit.limit()).isZero();
        assertThat(limit.shrinks()).isEqualTo(6);
    }

    @Test
    void callersWithinTheTolerance_doNotShed() {
        window(1_000);
        window(1_500); // exactly 1.5x: within

        assertThat(limit.limit()).isEqualTo(MAX);
        assertThat(limit.shrinks()).isZero();
    }

    @Test
    void callersBackToNormal_raiseTheLimitByAQuarter_atLeastOne_upToTheMaximum() {
        window(1_000);
        for (int i = 0; i < 5; i++) {
            window(5_000);
        }
        assertThat(limit.limit()).isZero();

        window(1_000);
        assertThat(limit.limit()).isEqualTo(1);
        window(1_000);
        assertThat(limit.limit()).isEqualTo(2);
        window(1_000);
        window(1_000);
        window(1_000);
        assertThat(limit.limit()).isEqualTo(5); // 2, 3, 4, then 4 + 1
        window(1_000);
        assertThat(limit.limit()).isEqualTo(6);
        for (int i = 0; i < 30; i++) {
            window(1_000);
        }
        assertThat(limit.limit()).isEqualTo(MAX);
    }

    @Test
    void onePause_cannotShedByItself() {
        window(1_000);

        // A 50 ms GC pause in one call of the window counts 10 us (10x the baseline):
        // the window's mean rises by 9/64, well within the tolerance.
        for (int i = 0; i < AdaptiveLimit.MIN_SAMPLES - 2; i++) {
            limit.record(1_000);
        }
        limit.record(50_000_000L);
        now.addAndGet(WINDOW);
        limit.record(1_000);

        assertThat(limit.limit()).isEqualTo(MAX);
        assertThat(limit.shrinks()).isZero();
    }

    @Test
    void aWindowNeedsItsTime_andItsSamples() {
        window(1_000);
        // Many slow samples, but the window's time is not over: nothing changes.
        for (int i = 0; i < 10 * AdaptiveLimit.MIN_SAMPLES; i++) {
            limit.record(9_000);
        }
        assertThat(limit.limit()).isEqualTo(MAX);
        // The time is over but too few samples: still nothing.
        AdaptiveLimit fresh = new AdaptiveLimit(MAX, 1.5, WINDOW, 1, now::get);
        fresh.record(1_000);
        now.addAndGet(10 * WINDOW);
        for (int i = 0; i < AdaptiveLimit.MIN_SAMPLES - 2; i++) {
            fresh.record(1_000);
        }
        assertThat(fresh.baseline()).isZero();
        fresh.record(1_000);
        assertThat(fresh.baseline()).isEqualTo(1_000);
    }

    @Test
    void callersSlowWithNothingLeftToShed_becomeTheNewBaseline_andTheLimitGrowsBack() {
        window(1_000);
        for (int i = 0; i < 6; i++) {
            window(4_000);
        }
        assertThat(limit.limit()).isZero();

        // Still slow with no shadow call in flight: the slowness is not the shadows'. Once the
        // fast windows have left the history, the slow mean is the baseline.
        for (int i = 0; i < AdaptiveLimit.HISTORY; i++) {
            window(4_000);
        }
        assertThat(limit.baseline()).isEqualTo(4_000);
        window(4_000);
        assertThat(limit.limit()).isPositive();
    }

    @Property(tries = 200)
    void theLimit_staysBetweenZeroAndTheMaximum_whateverTheLatencies(
            @ForAll @Size(min = 1, max = 60) List<@LongRange(min = 0, max = 10_000_000) Long>
                    windowMeans,
            @ForAll @IntRange(min = 1, max = 300) int max) {
        AtomicLong t = new AtomicLong();
        AdaptiveLimit l = new AdaptiveLimit(max, 1.5, WINDOW, 1, t::get);
        for (long mean : windowMeans) {
            for (int i = 0; i < AdaptiveLimit.MIN_SAMPLES - 1; i++) {
                l.record(mean);
            }
            t.addAndGet(WINDOW);
            l.record(mean);
            assertThat(l.limit()).isBetween(0, max);
            assertThat(l.baseline()).isPositive();
        }
    }
}
