package dev.releaserouter.core.shadow.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The shadow latency quantiles keep the values HdrHistogram's {@code ConcurrentHistogram(1 h, 2)}
 * gave before router-core dropped it (golden values computed with HdrHistogram 2.2.2; a
 * randomized comparison of 3000 data sets at 10 percentiles each matched exactly).
 */
class LatencyHistogramTest {

    private static final long HOUR_NANOS = 3_600_000_000_000L;

    private static long[] percentiles(long... values) {
        LatencyHistogram h = new LatencyHistogram(HOUR_NANOS);
        for (long v : values) {
            h.record(v);
        }
        return h.percentiles(50, 95, 99, 0);
    }

    @Test
    void percentiles_areHdrHistogramsHighestEquivalentValues() {
        assertThat(percentiles(1_500)).containsExactly(1503, 1503, 1503, 1496);
        assertThat(percentiles(0, 1, 255, 256, 257, 1_000, 2_000_000, 123_456_789, HOUR_NANOS))
                .containsExactly(257, 3_607_772_528_639L, 3_607_772_528_639L, 0);
        assertThat(percentiles(100, 200, 300, 400, 500, 600, 700, 800, 900, 1_000_000))
                .containsExactly(501, 1_003_519, 1_003_519, 100);
    }

    @Test
    void latencyPercentiles_empty_isNull_elseNamedP50P95P99() {
        LatencyHistogram h = new LatencyHistogram(HOUR_NANOS);
        assertThat(h.latencyPercentiles()).isNull();

        for (long v : new long[] {100, 200, 300, 400, 500, 600, 700, 800, 900, 1_000_000}) {
            h.record(v);
        }

        assertThat(h.latencyPercentiles()).isEqualTo(
                dev.releaserouter.api.shadow.LatencyPercentiles.ofNanos(501, 1_003_519, 1_003_519));
    }

    @Test
    void empty_givesZeros() {
        assertThat(new LatencyHistogram(HOUR_NANOS).percentiles(50, 95, 99))
                .containsExactly(0, 0, 0);
    }

    @Test
    void valuesOutsideTheRange_areRefused() {
        LatencyHistogram h = new LatencyHistogram(HOUR_NANOS);
        assertThatThrownBy(() -> h.record(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> h.record(HOUR_NANOS + 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
        h.record(HOUR_NANOS);
        assertThat(h.percentiles(100)[0]).isGreaterThanOrEqualTo(HOUR_NANOS);
    }
}
