package dev.releaserouter.rollout.measure;

import dev.releaserouter.stats.RatioAccumulator;
import dev.releaserouter.stats.RatioSummary;
import java.util.Arrays;
import java.util.Locale;

/**
 * Per-entity-bucket totals of one arm over one or more windows (and instances), merged by
 * adding, and the estimates they give. Buckets of different counts (a fleet whose instances
 * were configured differently) fold into the smallest count: bucket {@code b} of {@code B}
 * buckets holds the keys whose hash ends in {@code b}, so {@code b & (B' - 1)} is its bucket of
 * {@code B' < B} and the folded buckets are still clusters of whole entities.
 *
 * <p>A single-threaded buffer. Not thread-safe.
 */
final class EntityTotals {

    int buckets;
    long[] requests = new long[0];
    long[] errors = new long[0];
    long[] scoreCount = new long[0];
    double[] scoreSum = new double[0];
    long[] costCalls = new long[0];
    double[] costSum = new double[0];

    /**
     * Prepares to add buckets of the given count and returns the mask that maps them to this
     * buffer's buckets (folding this buffer first if the count is smaller).
     *
     * @param incoming a power of two
     * @return the mask to apply to incoming bucket numbers
     */
    int maskFor(int incoming) {
        if (buckets == 0 && requests.length == incoming) {
            buckets = incoming; // reset: the arrays are zero
        } else if (buckets == 0) {
            buckets = incoming;
            requests = new long[incoming];
            errors = new long[incoming];
            scoreCount = new long[incoming];
            scoreSum = new double[incoming];
            costCalls = new long[incoming];
            costSum = new double[incoming];
        } else if (incoming < buckets) {
            requests = fold(requests, incoming);
            errors = fold(errors, incoming);
            scoreCount = fold(scoreCount, incoming);
            scoreSum = fold(scoreSum, incoming);
            costCalls = fold(costCalls, incoming);
            costSum = fold(costSum, incoming);
            buckets = incoming;
        }
        return buckets - 1;
    }

    private static long[] fold(long[] a, int to) {
        long[] out = new long[to];
        for (int i = 0; i < a.length; i++) {
            out[i & (to - 1)] += a[i];
        }
        return out;
    }

    private static double[] fold(double[] a, int to) {
        double[] out = new double[to];
        for (int i = 0; i < a.length; i++) {
            out[i & (to - 1)] += a[i];
        }
        return out;
    }

    /** Empties the buffer, to reuse it (for any bucket count). */
    void reset() {
        buckets = 0;
        Arrays.fill(requests, 0);
        Arrays.fill(errors, 0);
        Arrays.fill(scoreCount, 0);
        Arrays.fill(scoreSum, 0);
        Arrays.fill(costCalls, 0);
        Arrays.fill(costSum, 0);
    }

    /** The metrics kept per bucket, as (numerator, denominator) per bucket. */
    enum Ratio {
        /** Errors per request. */
        ERROR_RATE,
        /** Score sum per scored call. */
        SCORE,
        /** Cost sum per costed call. */
        COST
    }

    /**
     * The delta method's units for a metric: one per non-empty bucket.
     *
     * @param ratio the metric
     * @return the summary (empty if no bucket has data)
     */
    RatioSummary ratio(Ratio ratio) {
        RatioAccumulator acc = new RatioAccumulator();
        for (int b = 0; b < buckets; b++) {
            switch (ratio) {
                case ERROR_RATE:
                    if (requests[b] > 0) {
                        acc.add(errors[b], requests[b]);
                    }
                    break;
                case SCORE:
                    if (scoreCount[b] > 0) {
                        acc.add(scoreSum[b], scoreCount[b]);
                    }
                    break;
                case COST:
                default:
                    if (costCalls[b] > 0) {
                        acc.add(costSum[b], costCalls[b]);
                    }
                    break;
            }
        }
        return acc.toSummary();
    }

    /**
     * The estimate of a metric: by the delta method over the buckets when they hold every one
     * of the metric's {@code samples} (every request carried an entity key), else per request
     * from {@code perRequestVariance} (the variance of one request's value).
     *
     * @param ratio the metric
     * @param value the metric's value over the arm
     * @param samples the arm's requests (or scored, or costed calls)
     * @param perRequestVariance the sample variance of one request's value, NaN if unknown
     * @return the estimate
     */
    MetricEstimate estimate(Ratio ratio, double value, long samples, double perRequestVariance) {
        RatioSummary units = ratio(ratio);
        long keyed = Math.round(units.sumY());
        if (samples > 0 && keyed == samples) {
            String detail = String.format(Locale.ROOT, "delta method over %d entity buckets"
                    + " (of %d)", units.units(), buckets);
            return new MetricEstimate(value, units.standardError(), samples, units.units(),
                    MetricEstimate.Method.DELTA_METHOD, detail);
        }
        double se = samples >= 2 && perRequestVariance >= 0
                ? Math.sqrt(perRequestVariance / samples) : Double.NaN;
        String detail = samples == 0 ? "per request: no data"
                : keyed == 0 ? "per request: no entity keys"
                : String.format(Locale.ROOT, "per request: %d of %d had no entity key",
                        samples - keyed, samples);
        return new MetricEstimate(value, se, samples, 0, MetricEstimate.Method.PER_REQUEST,
                detail);
    }
}
