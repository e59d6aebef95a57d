package dev.releaserouter.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Weights from hostile numbers: every conversion ends in bounded time and memory, with an
 * {@link IllegalArgumentException} (a {@link ConfigException}) naming the field. The time limit
 * is a generous bound against a hang, not a timing test.
 */
class WeightsTest {

    /**
     * A hang guard, not a performance figure: far above the milliseconds a rejection takes even
     * on a loaded 2-core machine (1 s failed there once under a parallel build), far below the
     * minutes and the OutOfMemoryError it guards against.
     */
    static final Duration BOUND = Duration.ofSeconds(10);

    @ParameterizedTest
    @ValueSource(strings = {"1e-999999999", "1e-20000000", "5.000000000000000000000000000000000001",
        "1E+999999999", "-1e-999999999", "12.345", "1e-3"})
    void basisPoints_hostileDecimal_isRejectedFast_withAShortValue(String text) {
        BigDecimal percent = new BigDecimal(text);

        assertTimeoutPreemptively(BOUND, () -> assertThatThrownBy(
                () -> Weights.basisPoints(percent))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problem()).containsAnyOf("two decimals", "between 0 and 100");
                    assertThat(e.value()).hasSizeLessThanOrEqualTo(80);
                }));
    }

    @Test
    void basisPoints_extremeScales_areRejectedOrExact_fast() {
        assertTimeoutPreemptively(BOUND, () -> {
            assertThatThrownBy(() -> Weights.basisPoints(
                    new BigDecimal(BigInteger.ONE, Integer.MAX_VALUE)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("two decimals");
            assertThatThrownBy(() -> Weights.basisPoints(
                    new BigDecimal(BigInteger.ONE, Integer.MIN_VALUE)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("between 0 and 100");
            assertThat(Weights.basisPoints(new BigDecimal(BigInteger.ZERO, Integer.MIN_VALUE)))
                    .isZero();
            assertThat(Weights.basisPoints(new BigDecimal(BigInteger.ZERO, Integer.MAX_VALUE)))
                    .isZero();
        });
    }

    @Test
    void basisPoints_manyDigits_isRejectedFast() {
        BigInteger digits = BigInteger.TEN.pow(200_000).add(BigInteger.ONE);
        BigDecimal nearlyFive = new BigDecimal(digits, 200_000).add(BigDecimal.valueOf(4));

        assertTimeoutPreemptively(BOUND, () -> assertThatThrownBy(
                () -> Weights.basisPoints(nearlyFive))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.value()).hasSizeLessThanOrEqualTo(80)));
    }

    @Test
    void basisPoints_trailingZeros_areStillExact() {
        assertThat(Weights.basisPoints(new BigDecimal("12.50000000000000000000"))).isEqualTo(1250);
        assertThat(Weights.basisPoints(new BigDecimal("1E+2"))).isEqualTo(10_000);
        assertThat(Weights.basisPoints(new BigDecimal("5E-2"))).isEqualTo(5);
    }

    @Test
    void versionBuilder_tinyDoubleWeight_isRejectedFast_namingTheField() {
        assertTimeoutPreemptively(BOUND, () -> {
            assertThatThrownBy(() -> VersionConfig.builder("v2").weightPercent(Double.MIN_VALUE))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("/weight").hasMessageContaining("two decimals");
            assertThatThrownBy(() -> VersionConfig.builder("v2").reservePercent(1e-300))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("/reserve");
            assertThatThrownBy(() -> VersionConfig.builder("v2").weightPercent(Double.MAX_VALUE))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("/weight").hasMessageContaining("between 0 and 100");
        });
    }

    @Test
    void configException_longValue_isKeptShortened() {
        ConfigException e = new ConfigException("f", "/x", "9".repeat(1_000_000), "bad", null);

        assertThat(e.value()).hasSize(203).endsWith("...");
        assertThat(e.getMessage()).hasSizeLessThan(300);
    }
}
