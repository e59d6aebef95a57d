package dev.releaserouter.rollout.gates;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The metrics a {@link GateInput} can provide, by what a criterion reads: a value (expressions,
 * {@code relative_increase}), a histogram ({@code psi}), event counts ({@code non_inferiority}
 * and {@code sequential} of kind conversion) or a variance (the same of kind continuous).
 * {@link Policy#requireMetrics(MetricCatalog)} checks a policy against one, so that a metric the
 * measurements do not know fails when the policy is loaded instead of on every evaluation.
 *
 * <p>{@code dev.releaserouter.rollout.measure.SnapshotGateInput#METRICS} is the catalog of the
 * router's own measurements. Immutable and thread-safe; build one with {@link #builder()}.
 */
public final class MetricCatalog {

    private static final String OUTCOME = "outcome.";

    private final Set<String> values;
    private final Set<String> histograms;
    private final Set<String> counts;
    private final Set<String> variances;
    private final boolean outcomes;
    // The same names in the order they were given, for messages.
    private final List<String> valueList;
    private final List<String> histogramList;
    private final List<String> countList;
    private final List<String> varianceList;

    private MetricCatalog(Builder b) {
        this.values = Set.copyOf(b.values);
        this.histograms = Set.copyOf(b.histograms);
        this.counts = Set.copyOf(b.counts);
        this.variances = Set.copyOf(b.variances);
        this.outcomes = b.outcomes;
        this.valueList = List.copyOf(b.values);
        this.histogramList = List.copyOf(b.histograms);
        this.countList = List.copyOf(b.counts);
        this.varianceList = List.copyOf(b.variances);
    }

    /**
     * A new builder of an empty catalog.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    private boolean outcome(String metric) {
        return outcomes && metric.startsWith(OUTCOME) && metric.length() > OUTCOME.length();
    }

    /**
     * @param metric a metric name as a policy writes it (without the arm)
     * @return whether {@link GateInput#value} knows it
     * @throws NullPointerException if metric is null
     */
    public boolean hasValue(String metric) {
        return values.contains(metric) || outcome(metric);
    }

    /**
     * @param metric a metric name
     * @return whether {@link GateInput#histogram} gives its distribution
     * @throws NullPointerException if metric is null
     */
    public boolean hasHistogram(String metric) {
        return histograms.contains(metric);
    }

    /**
     * @param metric a metric name
     * @return whether {@link GateInput#count} gives its events (a conversion metric)
     * @throws NullPointerException if metric is null
     */
    public boolean hasCount(String metric) {
        return counts.contains(metric) || outcome(metric);
    }

    /**
     * @param metric a metric name
     * @return whether {@link GateInput#value} and {@link GateInput#variance} give its mean and
     *     variance (a continuous metric)
     * @throws NullPointerException if metric is null
     */
    public boolean hasVariance(String metric) {
        return variances.contains(metric) || outcome(metric);
    }

    /** @return the value metrics, e.g. {@code "requests, errors, ..., outcome.<name>"} */
    public String describeValues() {
        return describe(valueList, outcomes);
    }

    /** @return the metrics with a histogram */
    public String describeHistograms() {
        return describe(histogramList, false);
    }

    /** @return the conversion metrics */
    public String describeCounts() {
        return describe(countList, outcomes);
    }

    /** @return the continuous metrics */
    public String describeVariances() {
        return describe(varianceList, outcomes);
    }

    private static String describe(List<String> names, boolean outcomes) {
        List<String> all = new ArrayList<>(names);
        if (outcomes) {
            all.add(OUTCOME + "<name>");
        }
        return all.isEmpty() ? "(none)" : String.join(", ", all);
    }

    @Override
    public String toString() {
        return "MetricCatalog{values=[" + describeValues() + "], histograms=["
                + describeHistograms() + "], counts=[" + describeCounts() + "], variances=["
                + describeVariances() + "]}";
    }

    /** Builds a {@link MetricCatalog}. Not thread-safe. */
    public static final class Builder {
        private final Set<String> values = new LinkedHashSet<>();
        private final Set<String> histograms = new LinkedHashSet<>();
        private final Set<String> counts = new LinkedHashSet<>();
        private final Set<String> variances = new LinkedHashSet<>();
        private boolean outcomes;

        private Builder() {}

        /**
         * @param names metrics {@link GateInput#value} knows
         * @return this builder
         * @throws NullPointerException if a name is null
         */
        public Builder values(String... names) {
            return add(values, names);
        }

        /**
         * @param names metrics {@link GateInput#value} knows
         * @return this builder
         * @throws NullPointerException if a name is null
         */
        public Builder values(List<String> names) {
            return add(values, names.toArray(String[]::new));
        }

        /**
         * @param names metrics {@link GateInput#histogram} knows
         * @return this builder
         * @throws NullPointerException if a name is null
         */
        public Builder histograms(String... names) {
            return add(histograms, names);
        }

        /**
         * @param names metrics {@link GateInput#count} knows
         * @return this builder
         * @throws NullPointerException if a name is null
         */
        public Builder counts(String... names) {
            return add(counts, names);
        }

        /**
         * @param names metrics {@link GateInput#variance} knows (and {@code value}, their mean)
         * @return this builder
         * @throws NullPointerException if a name is null
         */
        public Builder variances(String... names) {
            return add(variances, names);
        }

        /**
         * @param outcomes whether every {@code outcome.<name>} is known as a value, a count and
         *     a variance (business outcomes reported by the application)
         * @return this builder
         */
        public Builder outcomes(boolean outcomes) {
            this.outcomes = outcomes;
            return this;
        }

        private Builder add(Set<String> to, String... names) {
            for (String n : Arrays.asList(names)) {
                to.add(Objects.requireNonNull(n, "metric name"));
            }
            return this;
        }

        /** @return the catalog */
        public MetricCatalog build() {
            return new MetricCatalog(this);
        }
    }
}
