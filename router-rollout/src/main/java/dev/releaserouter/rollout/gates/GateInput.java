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
