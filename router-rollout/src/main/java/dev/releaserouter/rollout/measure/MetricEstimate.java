package dev.releaserouter.rollout.measure;

import java.util.Objects;

/**
 * A request-level metric of one arm (the error rate, the mean score, the cost per call) with
 * its standard error, and how that standard error was computed: by the
 * {@linkplain Method#DELTA_METHOD delta method over entity buckets} when every request behind
 * the metric carried an entity key, else {@linkplain Method#PER_REQUEST per request}, as if the
 * requests were independent (which understates it when entities make several requests).
 *
 * <p>Immutable and thread-safe.
 *
 * @param value the metric, NaN without data
 * @param standardError its standard error, NaN when it cannot be estimated (no data, fewer than
 *     2 requests, or, for the delta method, fewer than 2 entity buckets)
 * @param samples the requests (or scored, or costed calls) behind the metric
 * @param clusters the non-empty entity buckets the delta method used; 0 per request
 * @param method how the standard error was computed
 * @param detail one line for verdicts and logs, e.g.
 *     {@code "delta method over 183 entity buckets"} or
 *     {@code "per request: 12 of 500 requests had no entity key"}
 */
public record MetricEstimate(double value, double standardError, long samples, long clusters,
        Method method, String detail) {

    /** How a standard error was computed. */
    public enum Method {
        /**
         * The delta method for a ratio metric (Deng, Knoblich and Lu, KDD 2018) over entity
         * buckets as the independent units: what the gates use by default for request-level
         * metrics whenever the requests carry an entity key.
         */
        DELTA_METHOD,
        /**
         * Every request an independent unit: the binomial {@code sqrt(p (1 - p) / n)} for the
         * error rate, {@code sqrt(s^2 / n)} for a mean. Too small when one entity's requests
         * are correlated.
         */
        PER_REQUEST
    }

    /**
     * Checks the fields.
     *
     * @param value as described on the record
     * @param standardError as described on the record
     * @param samples as described on the record
     * @param clusters as described on the record
     * @param method as described on the record
     * @param detail as described on the record
     * @throws IllegalArgumentException if a count or the standard error is negative
     * @throws NullPointerException if method or detail is null
     */
    public MetricEstimate {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(detail, "detail");
        if (samples < 0 || clusters < 0 || standardError < 0) {
            throw new IllegalArgumentException("samples, clusters and standardError must not be"
                    + " negative, but were " + samples + ", " + clusters + " and "
                    + standardError);
        }
    }

    /**
     * Whether there is an estimate with a standard error to compare: both are numbers. An
     * undefined estimate means "not enough data".
     *
     * @return whether value and standard error are finite
     */
    public boolean defined() {
        return Double.isFinite(value) && Double.isFinite(standardError);
    }

    /**
     * The same estimate in other units, e.g. cost per 1000 calls from cost per call.
     *
     * @param factor the factor, positive
     * @return the scaled estimate
     */
    MetricEstimate scaled(double factor) {
        return new MetricEstimate(value * factor, standardError * factor, samples, clusters,
                method, detail);
    }
}
