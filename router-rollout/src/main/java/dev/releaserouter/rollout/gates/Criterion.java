package dev.releaserouter.rollout.gates;

import dev.releaserouter.stats.SequentialTest;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A parsed criterion: what it measures is in {@link Check}, how it is acted upon here.
 * Immutable and thread-safe.
 *
 * @param name unique name within the policy
 * @param severity what a failure means
 * @param consecutiveWindows breached windows in a row before the failure counts, {@code >= 1}
 * @param minSamples per-arm samples below which the criterion is NOT_ENOUGH_DATA
 * @param perMetricSamples whether {@code minSamples} applies to the samples behind each metric
 *     the criterion reads ({@link GateInput#samples(String, String)}, {@code "min_samples_per":
 *     "metric"}) rather than to each arm's requests ({@link GateInput#samples(String)})
 * @param confidence the one-sided level of the criterion's confidence bounds and the
 *     two-sided level of the uplift intervals it reports, in [0.5, 1)
 * @param check the measurement
 */
record Criterion(String name, Severity severity, int consecutiveWindows, long minSamples,
        boolean perMetricSamples, double confidence, Check check) {

    /** What a criterion measures. Implementations are immutable and thread-safe. */
    public interface Check {

        /**
         * The criterion's type name, e.g. {@code expression}.
         *
         * @return the type
         */
        String type();

        /**
         * The text shown in verdicts: the expression as written, or a rendering.
         *
         * @return the text
         */
        String text();

        /**
         * The canonical arms whose samples the criterion relies on: by default both.
         *
         * @return the arms
         */
        default List<String> arms() {
            return List.of(GateInput.STABLE, GateInput.CANDIDATE);
        }

        /**
         * Measures one window.
         *
         * @param input the window
         * @param previous the sequential test state carried from earlier windows, if any
         * @return the measurement
         */
        Measurement measure(GateInput input, @Nullable SequentialTest previous);
    }
}
