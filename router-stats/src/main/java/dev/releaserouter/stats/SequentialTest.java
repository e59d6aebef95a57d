package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;

/**
 * An always-valid sequential test of "no difference" that may be looked at after every window
 * without inflating the false-positive rate: the mixture sequential probability ratio test
 * (mSPRT) with a normal mixture, as in Johari, Koomen, Pekelis and Walsh, "Peeking at A/B
 * Tests: Why it matters, and what to do about it", KDD 2017 (and Operations Research 70(3),
 * 2022).
 *
 * <p>At each look the difference {@code theta = m_t - m_c} is estimated with variance
 * {@code v = V_t + V_c} ({@link MetricKind}), and the mixture likelihood ratio against
 * {@code theta = 0} with mixing distribution {@code N(0, tau^2)} is
 * {@code Lambda = sqrt(v / (v + tau^2)) exp(theta^2 tau^2 / (2 v (v + tau^2)))}. The
 * always-valid p-value is the running minimum {@code p_n = min(p_{n-1}, 1 / Lambda_n)},
 * {@code p_0 = 1}; rejecting when {@code p_n <= alpha} keeps the type I error at most alpha
 * at any stopping time. The matching confidence sequence is
 * {@code theta +- sqrt(v (v + tau^2) / tau^2 (2 ln(1/alpha) + ln((v + tau^2) / v)))},
 * intersected over looks. The variance is a plug-in estimate, so validity is asymptotic (as in
 * the paper's implementation for large samples).
 *
 * <p>Pick {@code tau} on the scale of the effects you expect, e.g. the minimum detectable
 * effect in the metric's units; the test is valid for any {@code tau}, which only trades
 * early power on small effects against large ones.
 *
 * <p>Immutable and thread-safe: {@link #observe} returns a new instance. Pass cumulative
 * summaries (everything since the experiment started) at every look.
 */
public final class SequentialTest {

    private final MetricKind kind;
    private final double tau;
    private final double alpha;
    private final int looks;
    private final double logPValue;
    private final double logLikelihoodRatio;
    private final double estimate;
    private final Interval confidenceSequence;

    private SequentialTest(MetricKind kind, double tau, double alpha, int looks, double logPValue,
            double logLikelihoodRatio, double estimate, Interval confidenceSequence) {
        this.kind = kind;
        this.tau = tau;
        this.alpha = alpha;
        this.looks = looks;
        this.logPValue = logPValue;
        this.logLikelihoodRatio = logLikelihoodRatio;
        this.estimate = estimate;
        this.confidenceSequence = confidenceSequence;
    }

    /**
     * A test before its first look: p-value 1, unbounded confidence sequence.
     *
     * @param kind how the metric is distributed
     * @param mixingStandardDeviation {@code tau}, in the metric's units, positive
     * @param alpha the level for {@link #rejected()} and the confidence sequence, in (0, 1)
     * @return the test
     * @throws IllegalArgumentException if tau is not a finite positive number or alpha is
     *     outside (0, 1)
     */
    public static SequentialTest start(MetricKind kind, double mixingStandardDeviation,
            double alpha) {
        Checks.positive("mixingStandardDeviation", mixingStandardDeviation);
        Checks.openUnit("alpha", alpha);
        return new SequentialTest(kind, mixingStandardDeviation, alpha, 0, 0, 0, Double.NaN,
                Interval.unbounded());
    }

    /**
     * The test after one more look at the cumulative data. A look whose variance cannot be
     * estimated (an empty arm, a continuous arm below 2 values, zero variance) counts as a look
     * with likelihood ratio 1 and changes nothing else.
     *
     * @param control everything the control has observed so far
     * @param treatment everything the treatment has observed so far
     * @return the updated test
     */
    public SequentialTest observe(ArmSummary control, ArmSummary treatment) {
        double theta = kind.mean(treatment) - kind.mean(control);
        double v = kind.varianceOfMean(treatment) + kind.varianceOfMean(control);
        if (!(v > 0) || Double.isNaN(theta) || Double.isInfinite(v)) {
            return new SequentialTest(kind, tau, alpha, looks + 1, logPValue, 0, theta,
                    confidenceSequence);
        }
        double tau2 = tau * tau;
        double logLambda = 0.5 * Math.log(v / (v + tau2))
                + theta * theta * tau2 / (2 * v * (v + tau2));
        double logP = Math.min(logPValue, Math.min(0, -logLambda));
        double half = Math.sqrt(v * (v + tau2) / tau2
                * (2 * Math.log(1 / alpha) + Math.log((v + tau2) / v)));
        double lower = Math.max(confidenceSequence.lower(), theta - half);
        double upper = Math.min(confidenceSequence.upper(), theta + half);
        // Disjoint intervals (probability <= alpha) fall back to the newest one.
        Interval sequence = lower <= upper ? new Interval(lower, upper)
                : new Interval(theta - half, theta + half);
        return new SequentialTest(kind, tau, alpha, looks + 1, logP, logLambda, theta, sequence);
    }

    /**
     * The always-valid p-value, the running minimum of {@code 1 / Lambda} over the looks.
     *
     * @return the p-value in [0, 1], non-increasing from look to look
     */
    public double pValue() {
        return Math.exp(logPValue);
    }

    /**
     * The natural log of {@link #pValue()}, finite where the p-value underflows.
     *
     * @return the log p-value, {@code <= 0}
     */
    public double logPValue() {
        return logPValue;
    }

    /**
     * Whether "no difference" is rejected at the test's alpha; once true it stays true.
     *
     * @return {@code pValue() <= alpha}
     */
    public boolean rejected() {
        return pValue() <= alpha;
    }

    /**
     * How many looks were taken.
     *
     * @return the number of {@link #observe} calls that led here
     */
    public int looks() {
        return looks;
    }

    /**
     * {@code ln Lambda} of the latest look; 0 before the first and for looks without variance.
     *
     * @return the log likelihood ratio
     */
    public double logLikelihoodRatio() {
        return logLikelihoodRatio;
    }

    /**
     * The latest estimate of {@code m_t - m_c}.
     *
     * @return the difference, NaN before the first look or with an empty arm
     */
    public double estimate() {
        return estimate;
    }

    /**
     * The always-valid confidence sequence for {@code m_t - m_c} at level {@code 1 - alpha},
     * intersected over the looks.
     *
     * @return the interval, unbounded before the first informative look
     */
    public Interval confidenceSequence() {
        return confidenceSequence;
    }

    /**
     * The mixing standard deviation {@code tau}.
     *
     * @return tau
     */
    public double mixingStandardDeviation() {
        return tau;
    }

    /**
     * The test's level.
     *
     * @return alpha
     */
    public double alpha() {
        return alpha;
    }

    @Override
    public String toString() {
        return "SequentialTest[looks=" + looks + ", estimate=" + estimate + ", pValue="
                + pValue() + ", logPValue=" + logPValue + ", confidenceSequence="
                + confidenceSequence + ", tau=" + tau + ", alpha=" + alpha + "]";
    }
}
