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

    private static double chance(long nc, long cc, long nt, long ct, double a0, double b0) {
        return BayesianConversion.chanceToBeatControl(ArmSummary.ofConversions(nc, cc),
                ArmSummary.ofConversions(nt, ct), a0, b0);
    }

    /**
     * Prior shapes below 1 put a singularity at 0 or 1. Exact values from mpmath 1.3 (40
     * digits, tanh-sinh quadrature with break points at m 10^-k and 1 - (1 - m) 10^-k, m the
     * treatment's posterior mean); R 4.2.2's {@code integrate} after the substitution
     * {@code x = u^(1/at)}, which removes the singularity, agrees to 1e-12 on the first, third,
     * sixth and seventh values (0.925475537497522, 0.9819613127308312, 0.9981045265733767,
     * 0.09940207826841911, 0.9993084028967588):
     * <pre>{@code
     * ch <- function(nc, cc, nt, ct, a0, b0) {
     *   ac <- a0 + cc; bc <- b0 + nc - cc; at <- a0 + ct; bt <- b0 + nt - ct
     *   f <- function(u) { x <- u^(1/at); (1-x)^(bt-1) / (at * beta(at, bt)) * pbeta(x, ac, bc) }
     *   integrate(f, 0, 1, rel.tol = 1e-13, subdivisions = 2000L)$value }
     * }</pre>
     * The mpmath script:
     * <pre>{@code
     * from mpmath import mp, quad, betainc, beta, mpf, log, exp
     * mp.dps = 40
     * def chance(nc, cc, nt, ct, a0, b0):
     *     ac, bc = mpf(a0) + cc, mpf(b0) + nc - cc
     *     at, bt = mpf(a0) + ct, mpf(b0) + nt - ct
     *     f = lambda x: exp((at-1)*log(x) + (bt-1)*log(1-x) - log(beta(at, bt))) \
     *         * betainc(ac, bc, 0, x, regularized=True)
     *     m = at/(at+bt)
     *     pts = sorted(set([mpf(0)] + [m*mpf(10)**(-k) for k in range(40)]
     *         + [m*j/4 for j in range(1, 12)] + [1 - (1-m)*mpf(10)**(-k) for k in range(40)]
     *         + [mpf(1)]))
     *     return quad(f, [p for p in pts if 0 <= p <= 1], maxdegree=10)
     * }</pre>
     */
    @Test
    void chanceToBeatControl_priorShapesBelowOne_matchExactIntegration() {
        // The case: 0/100 vs 2/100, Jeffreys 0.925476 (was 0.924630), Beta(0.1, 0.1)
        // 0.981961 (was 0.969811).
        assertThat(chance(100, 0, 100, 2, 0.5, 0.5)).isCloseTo(0.92547553749755582, within(1e-9));
        assertThat(chance(100, 0, 100, 2, 0.1, 0.1)).isCloseTo(0.9819613127308746, within(1e-9));
        assertThat(chance(100, 0, 100, 2, 0.01, 0.01))
                .isCloseTo(0.99810452657346454, within(1e-9));
        // All converted: the singularity is at 1.
        assertThat(chance(100, 100, 100, 98, 0.1, 0.1))
                .isCloseTo(0.018038687269125403, within(1e-9));
        // Wide posteriors with both ends singular, and uneven shapes.
        assertThat(chance(0, 0, 10, 1, 0.1, 0.1)).isCloseTo(0.39398651946440102, within(1e-9));
        assertThat(chance(20, 1, 20, 0, 0.2, 3)).isCloseTo(0.099402078268419407, within(1e-9));
        assertThat(chance(1000, 0, 1000, 1, 0.001, 0.5))
                .isCloseTo(0.99930840289675431, within(1e-9));
        assertThat(chance(5, 5, 7, 6, 0.3, 0.05)).isCloseTo(0.038383709709081334, within(1e-9));
        // Two empty arms: 1/2 by symmetry, for any prior.
        assertThat(chance(0, 0, 0, 0, 0.1, 0.1)).isCloseTo(0.5, within(1e-9));
        assertThat(chance(0, 0, 0, 0, 0.001, 0.002)).isCloseTo(0.5, within(1e-9));
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
