package dev.releaserouter.rollout.gates;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link ExternalMetricSource} read in one evaluation: for each arm and metric, a value
 * (and the samples behind it, if the source knows them) or the reason it has none.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder()}.
 */
public final class ExternalReadings {

    private final Map<String, Reading> readings;

    private ExternalReadings(Map<String, Reading> readings) {
        this.readings = Map.copyOf(readings);
    }

    /** @return a builder of an empty set of readings */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param arm {@value GateInput#STABLE} or {@value GateInput#CANDIDATE}
     * @param metric the metric's name
     * @return the reading, or null when the source gave none
     * @throws NullPointerException if an argument is null
     */
    public @Nullable Reading get(String arm, String metric) {
        return readings.get(key(Objects.requireNonNull(arm, "arm"),
                Objects.requireNonNull(metric, "metric")));
    }

    /** @return how many readings there are */
    public int size() {
        return readings.size();
    }

    private static String key(String arm, String metric) {
        return arm + '\u0000' + metric;
    }

    @Override
    public String toString() {
        return "ExternalReadings" + readings;
    }

    /**
     * One arm's value of one metric.
     *
     * @param value the value, NaN when unavailable
     * @param samples the units behind it when the source knows them (e.g. requests across the
     *     fleet), else -1: the gates then use the arm's own sample count
     * @param reason why the value is unavailable, null when it is not
     */
    public record Reading(double value, long samples, @Nullable String reason) {

        /**
         * A value.
         *
         * @param value the value (NaN is unavailable, with a generic reason)
         * @param samples the units behind it, or -1 when unknown
         * @return the reading
         */
        public static Reading of(double value, long samples) {
            return Double.isNaN(value) ? new Reading(value, samples, "the value is NaN")
                    : new Reading(value, samples, null);
        }

        /**
         * No value.
         *
         * @param reason why, shown in the verdict (e.g. "prometheus: timed out after PT2S")
         * @return the reading
         * @throws NullPointerException if reason is null
         */
        public static Reading unavailable(String reason) {
            return new Reading(Double.NaN, -1, Objects.requireNonNull(reason, "reason"));
        }
    }

    /** Builds {@link ExternalReadings}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Reading> readings = new HashMap<>();

        private Builder() {}

        /**
         * @param arm {@value GateInput#STABLE} or {@value GateInput#CANDIDATE}
         * @param metric the metric
         * @param reading its reading; replaces an earlier one
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder put(String arm, String metric, Reading reading) {
            readings.put(key(Objects.requireNonNull(arm, "arm"),
                    Objects.requireNonNull(metric, "metric")),
                    Objects.requireNonNull(reading, "reading"));
            return this;
        }

        /** @return the readings */
        public ExternalReadings build() {
            return new ExternalReadings(readings);
        }
    }
}
