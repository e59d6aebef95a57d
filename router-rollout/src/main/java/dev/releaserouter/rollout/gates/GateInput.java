package dev.releaserouter.rollout.gates;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The measurements of one evaluation window, as the gates see them. Arms are named
 * {@value #STABLE} (the version in production, the control) and {@value #CANDIDATE} (the version
 * being rolled out, the treatment); a policy may give them aliases such as {@code v1} and
 * {@code v2}, which are resolved when the policy is parsed, so implementations only ever see
 * the two canonical names.
 *
 * <p>Implementations should be effectively immutable snapshots: the evaluator may call any
 * method several times and expects the same answer. The evaluator never calls them
 * concurrently, so implementations need not be thread-safe unless shared.
 */
public interface GateInput {

    /** The canonical name of the arm in production, the control. */
    String STABLE = "stable";

    /** The canonical name of the arm being rolled out, the treatment. */
    String CANDIDATE = "candidate";

    /**
     * A metric's value in this window, e.g. {@code value("candidate", "p95_ms")}.
     *
     * @param arm {@value #STABLE} or {@value #CANDIDATE}
     * @param metric the metric's name as the policy writes it
     * @return the value, or NaN when unknown (never measured, no data)
     */
    double value(String arm, String metric);

    /**
     * How many requests (units) the arm saw in this window; compared with the policy's
     * {@code min_samples}.
     *
     * @param arm {@value #STABLE} or {@value #CANDIDATE}
     * @return the sample count, {@code >= 0}
     */
    long samples(String arm);

    /**
     * How long the evaluated data spans; compared with the policy's {@code min_window}.
     *
     * @return the window's length, not negative
     */
    Duration window();

    /**
     * The number of units behind a metric, when it differs from {@link #samples(String)} (for
     * example business outcomes reported for only some entities). The statistical criteria use
     * it as the arm's {@code n}.
     *
     * @param arm the arm
     * @param metric the metric
     * @return the units measured; by default {@link #samples(String)}
     */
    default long samples(String arm, String metric) {
        return samples(arm);
    }

    /**
     * For a conversion metric, how many units converted (the numerator of the rate); used by
     * {@code non_inferiority} and {@code sequential} criteria of kind {@code conversion}.
     *
     * @param arm the arm
     * @param metric the metric
     * @return the count, or a negative number when unknown (the default)
     */
    default long count(String arm, String metric) {
        return -1;
    }

    /**
     * For a continuous metric, the sample variance of the per-unit values (the mean being
     * {@link #value}); used by {@code non_inferiority} and {@code sequential} criteria of kind
     * {@code continuous}.
     *
     * @param arm the arm
     * @param metric the metric
     * @return the variance, or NaN when unknown (the default)
     */
    default double variance(String arm, String metric) {
        return Double.NaN;
    }

    /**
     * The counts per bin of a metric's distribution, with the same bin edges for both arms;
     * used by {@code psi} criteria (stable is the expected distribution).
     *
     * @param arm the arm
     * @param metric the metric
     * @return the bin counts, or null when unknown (the default)
     */
    default long @Nullable [] histogram(String arm, String metric) {
        return null;
    }

    /**
     * A metric's estimate with its standard error: what a threshold comparison with a
     * {@code confidence} bounds (a comparison of one metric with a threshold, e.g.
     * {@code candidate.error_rate > 0.01}, is a breach when the metric's lower bound is above the
     * threshold, and a pass when its upper bound is not). This is the one seam through which the
     * gates learn sampling error: an input that knows better (requests clustered by entity: the
     * delta method) overrides it.
     *
     * <p>By default a metric with a {@link #variance} is a {@link Estimate#ofMean mean} of
     * {@link #samples(String, String)} units, and any other metric has no estimate.
     *
     * @param arm the arm
     * @param metric the metric
     * @return the estimate (undefined when there is no data: NOT_ENOUGH_DATA), or null when the
     *     metric has no sampling error model (a quantile, a count): it is then compared as
     *     measured, as with a confidence of 0.5
     */
    default @Nullable Estimate estimate(String arm, String metric) {
        double variance = variance(arm, metric);
        if (Double.isNaN(variance)) {
            return null;
        }
        return Estimate.ofMean(value(arm, metric), Math.max(0, variance),
                Math.max(0, samples(arm, metric)));
    }

    /**
     * The evidence accumulated at the current traffic split, for the criteria that accumulate
     * evidence while they hold: threshold comparisons with a confidence, {@code sequential},
     * {@code sample_ratio}. The rollout controller gives every window since the current stage's
     * weight took effect; an input that is already cumulative returns null (the default), and
     * this input is used.
     *
     * @return the cumulative input, or null if this input is it
     */
    default @Nullable GateInput cumulative() {
        return null;
    }

    /**
     * The candidate's configured share of the units split by weight, e.g. 0.05 at a 5% stage:
     * the expected split of a {@code sample_ratio} criterion and the allocation of a
     * {@code sample_size} one. The rollout controller knows the stage's weight.
     *
     * @return the share in [0, 1], or NaN when unknown (the default)
     */
    default double candidateShare() {
        return Double.NaN;
    }

    /**
     * How many units the router assigned to the arm by the weighted split (decisions by
     * bucket), leaving out those a deny list, an allow list, a kill switch or a budget sent to
     * stable, which no weight predicts: the observed split of a {@code sample_ratio} criterion.
     *
     * @param arm the arm
     * @return the count, or a negative number when unknown (the default)
     */
    default long assigned(String arm) {
        return -1;
    }

    /**
     * Why {@link #value} is NaN for a metric, when the input knows: e.g. "prometheus: HTTP 503"
     * for a metric read from an external source. The evaluator adds it to the detail of a
     * criterion that is NOT_ENOUGH_DATA because of that metric.
     *
     * @param arm the arm
     * @param metric the metric
     * @return the reason, or null when unknown or when the value is not NaN (the default)
     */
    default @Nullable String unknownReason(String arm, String metric) {
        return null;
    }
}
