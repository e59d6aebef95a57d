package dev.releaserouter.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Reference values from Evan Miller's exact sum, evaluated with SciPy 1.17 in log space:
 * {@code i = np.arange(aB); np.exp(logsumexp(betaln(aA+i, bA+bB) - np.log(bB+i)
 * - betaln(1+i, bB) - betaln(aA, bA)))} with {@code a = 1 + conversions},
 * {@code b = 1 + n - conversions}.
 */
class BayesianConversionTest {

    private static double chance(long nc, long cc, long nt, long ct) {
        return BayesianConversion.chanceToBeatControl(ArmSummary.ofConversions(nc, cc),
                ArmSummary.ofConversions(nt, ct));
    }

    @Test
    void chanceToBeatControl_matchesExactSum() {
        // (1000, 100) vs (1000, 130) -> 0.9821650661176864
        // R 4.2.2: integrate(function(x) dbeta(x, 131, 871) * pbeta(x, 101, 901), 0, 1,
        //     rel.tol = 1e-12)$value  # 0.98216506611635079
        assertThat(chance(1000, 100, 1000, 130)).isCloseTo(0.9821650661176864, within(1e-9));
        // (20, 0) vs (20, 3) -> 0.9465290806754224
        assertThat(chance(20, 0, 20, 3)).isCloseTo(0.9465290806754224, within(1e-9));
    }

    @Test
    void chanceToBeatControl_hugeArms_matchesExactSum() {
        // (1e7, 1e6) vs (1e7, 1001000): the exact sum's 1e6 terms carry rounding (SciPy's gave
        // 0.7719216360795194, 3.6e-9 off). R 4.2.2, quadrature over 160 half-sd panels:
        // ac <- 1e6+1; bc <- 9e6+1; at <- 1001001; bt <- 8999001
        // m <- ac/(ac+bc); s <- sqrt(ac*bc/((ac+bc)^2*(ac+bc+1))); br <- m + s*seq(-40, 40, .5)
        // f <- function(x) dbeta(x, ac, bc) * pbeta(x, at, bt, lower.tail = FALSE)
        // sum(sapply(1:160, function(i) integrate(f, br[i], br[i+1], rel.tol = 1e-13,
        //     abs.tol = 0)$value))  # 0.77192163964950555 (density mass 0.99999999999999489)
        // and R's log-space exact sum gives 0.77192163964236071.
        assertThat(chance(10_000_000, 1_000_000, 10_000_000, 1_001_000))
                .isCloseTo(0.77192163964950555, within(1e-10));
    }

    @Test
    void chanceToBeatControl_narrowControlWideTreatment_matchesExactSum() {
        // (1e7, 1e6) vs (100, 12): the exact sum gives 0.7919405181644826, but its 1e6 terms
        // carry ~3e-9 of rounding; SciPy's adaptive quadrature agrees with itself to 1e-14 on
        // c = stats.beta(1000001, 9000001); t = stats.beta(13, 89); m, s = c.mean(), c.std()
        // integrate.quad(lambda x: c.pdf(x)*t.sf(x), m-40*s, m+40*s, epsabs=1e-14,
        //     epsrel=1e-13, limit=500, points=[m])  # 0.7919405154484467
        // integrate.quad(lambda x: t.pdf(x)*c.cdf(x), 0, 1, ...)  # 0.7919405154484231
        assertThat(chance(10_000_000, 1_000_000, 100, 12))
                .isCloseTo(0.7919405181644826, within(1e-8))
                .isCloseTo(0.7919405154484467, within(1e-12));
        assertThat(chance(100, 12, 10_000_000, 1_000_000))
                .isCloseTo(1 - 0.7919405154484467, within(1e-12));
    }

    @Test
    void identicalArms_giveOneHalf() {
        assertThat(chance(50, 10, 50, 10)).isCloseTo(0.5, within(1e-9));
        assertThat(chance(0, 0, 0, 0)).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void invalidPrior_isRejected() {
        assertThatThrownBy(() -> BayesianConversion.chanceToBeatControl(ArmSummary.empty(),
                ArmSummary.empty(), 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("priorAlpha must be a finite number > 0, but was 0.0");
    }
}
