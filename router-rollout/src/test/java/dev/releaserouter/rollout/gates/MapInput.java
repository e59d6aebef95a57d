package dev.releaserouter.rollout.gates;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A hand-made window of measurements for tests. Mutable builder-style; not thread-safe. */
final class MapInput implements GateInput {

    private final Map<String, Double> values = new HashMap<>();
    private final Map<String, Long> samples = new HashMap<>();
    private final Map<String, Long> metricSamples = new HashMap<>();
    private final Map<String, Long> counts = new HashMap<>();
    private final Map<String, Double> variances = new HashMap<>();
    private final Map<String, long[]> histograms = new HashMap<>();
    private final Map<String, Estimate> estimates = new HashMap<>();
    private final Map<String, Long> assigned = new HashMap<>();
    private Duration window = Duration.ofHours(24);
    private @Nullable GateInput cumulative;
    private double candidateShare = Double.NaN;

    static MapInput of() {
        return new MapInput().samples(STABLE, 100_000).samples(CANDIDATE, 100_000);
    }

    MapInput set(String armMetric, double value) {
        values.put(armMetric, value);
        return this;
    }

    MapInput samples(String arm, long n) {
        samples.put(arm, n);
        return this;
    }

    MapInput metricSamples(String arm, String metric, long n) {
        metricSamples.put(arm + "." + metric, n);
        return this;
    }

    MapInput window(Duration w) {
        window = w;
        return this;
    }

    MapInput conversions(String arm, String metric, long n, long x) {
        metricSamples.put(arm + "." + metric, n);
        counts.put(arm + "." + metric, x);
        return this;
    }

    MapInput moments(String arm, String metric, long n, double mean, double variance) {
        metricSamples.put(arm + "." + metric, n);
        values.put(arm + "." + metric, mean);
        variances.put(arm + "." + metric, variance);
        return this;
    }

    /** The error rate of an arm from counts: its value and its binomial estimate. */
    MapInput errors(String arm, long requests, long errors) {
        samples.put(arm, requests);
        values.put(arm + ".error_rate", requests == 0 ? Double.NaN : (double) errors / requests);
        estimates.put(arm + ".error_rate", Estimate.ofProportion(errors, requests));
        return this;
    }

    MapInput estimate(String arm, String metric, Estimate e) {
        estimates.put(arm + "." + metric, e);
        values.put(arm + "." + metric, e.value());
        return this;
    }

    MapInput cumulative(GateInput c) {
        cumulative = c;
        return this;
    }

    MapInput candidateShare(double share) {
        candidateShare = share;
        return this;
    }

    MapInput assigned(String arm, long n) {
        assigned.put(arm, n);
        return this;
    }

    MapInput histogram(String arm, String metric, long... bins) {
        histograms.put(arm + "." + metric, bins);
        return this;
    }

    @Override
    public double value(String arm, String metric) {
        return values.getOrDefault(arm + "." + metric, Double.NaN);
    }

    @Override
    public long samples(String arm) {
        return samples.getOrDefault(arm, 0L);
    }

    @Override
    public long samples(String arm, String metric) {
        return metricSamples.getOrDefault(arm + "." + metric, samples(arm));
    }

    @Override
    public Duration window() {
        return window;
    }

    @Override
    public long count(String arm, String metric) {
        return counts.getOrDefault(arm + "." + metric, -1L);
    }

    @Override
    public double variance(String arm, String metric) {
        return variances.getOrDefault(arm + "." + metric, Double.NaN);
    }

    @Override
    public long @Nullable [] histogram(String arm, String metric) {
        return histograms.get(arm + "." + metric);
    }

    @Override
    public @Nullable Estimate estimate(String arm, String metric) {
        Estimate e = estimates.get(arm + "." + metric);
        return e != null ? e : GateInput.super.estimate(arm, metric);
    }

    @Override
    public @Nullable GateInput cumulative() {
        return cumulative;
    }

    @Override
    public double candidateShare() {
        return candidateShare;
    }

    @Override
    public long assigned(String arm) {
        return assigned.getOrDefault(arm, -1L);
    }
}
