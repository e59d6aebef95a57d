package dev.releaserouter.rollout.gates;

import dev.releaserouter.stats.Uplift;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One criterion's evidence in a {@link GateVerdict}: what was measured, against what, on how
 * many samples, with which statistic, and the resulting status.
 *
 * <p>Immutable and thread-safe; maps are unmodifiable copies that keep their order.
 *
 * @param name the criterion's name from the policy
 * @param type {@code expression}, {@code non_inferiority}, {@code sequential}, {@code psi} or
 *     {@code relative_increase}
 * @param expression the expression as written in the policy, or a readable rendering of a
 *     statistical criterion, e.g. {@code non_inferiority(conversion, margin=0.01)}
 * @param severity the criterion's severity
 * @param status the outcome in this window
 * @param breached whether this window breached the criterion (the status may still be milder
 *     while the consecutive-window count is not reached)
 * @param value the measured value: the left side of a top-level comparison, the difference of
 *     a test, the PSI, the relative increase in percent; NaN when unknown or not applicable
 * @param threshold the threshold it was held against: the right side of a top-level comparison,
 *     the margin, the maximum; NaN when not applicable
 * @param observed every measurement and parameter the criterion read, e.g.
 *     {@code candidate.p95_ms -> 131.0}; NaN for unknown measurements
 * @param samples the sample size per arm the criterion relied on
 * @param statistic the test statistic (z, t) for statistical criteria, else NaN
 * @param pValue the p-value for statistical criteria (the always-valid one for
 *     {@code sequential}), else NaN
 * @param streak how many windows in a row, this one included, breached the criterion
 * @param consecutiveWindows how many are needed before the breach counts at full severity
 * @param detail a one-line human explanation, ending with the uplifts
 * @param confidence the criterion's confidence: the one-sided level of the bounds of
 *     {@code estimates}, and the two-sided level of the uplifts' intervals; NaN when unknown
 * @param estimates the estimates a comparison was decided on by their confidence bounds, by
 *     {@code arm.metric} (empty when every comparison was decided as measured)
 * @param uplifts the candidate's uplift over the stable arm on each metric the criterion reads
 *     that has an estimate on both arms, with intervals at {@code confidence}, by metric
 */
public record CriterionResult(String name, String type, String expression, Severity severity,
        CriterionStatus status, boolean breached, double value, double threshold,
        Map<String, Double> observed, Map<String, Long> samples, double statistic,
        double pValue, int streak, int consecutiveWindows, String detail, double confidence,
        Map<String, Estimate> estimates, Map<String, Uplift> uplifts) {

    /**
     * A result without confidence, estimates or uplifts (the fields of version 1 of the
     * verdict JSON).
     *
     * @param name as described on the record
     * @param type as described on the record
     * @param expression as described on the record
     * @param severity as described on the record
     * @param status as described on the record
     * @param breached as described on the record
     * @param value as described on the record
     * @param threshold as described on the record
     * @param observed as described on the record
     * @param samples as described on the record
     * @param statistic as described on the record
     * @param pValue as described on the record
     * @param streak as described on the record
     * @param consecutiveWindows as described on the record
     * @param detail as described on the record
     * @throws NullPointerException if a reference is null
     * @throws IllegalArgumentException if {@code streak < 0} or {@code consecutiveWindows < 1}
     */
    public CriterionResult(String name, String type, String expression, Severity severity,
            CriterionStatus status, boolean breached, double value, double threshold,
            Map<String, Double> observed, Map<String, Long> samples, double statistic,
            double pValue, int streak, int consecutiveWindows, String detail) {
        this(name, type, expression, severity, status, breached, value, threshold, observed,
                samples, statistic, pValue, streak, consecutiveWindows, detail, Double.NaN,
                Map.of(), Map.of());
    }

    /**
     * Validates and copies.
     *
     * @param name as described on the record
     * @param type as described on the record
     * @param expression as described on the record
     * @param severity as described on the record
     * @param status as described on the record
     * @param breached as described on the record
     * @param value as described on the record
     * @param threshold as described on the record
     * @param observed as described on the record
     * @param samples as described on the record
     * @param statistic as described on the record
     * @param pValue as described on the record
     * @param streak as described on the record
     * @param consecutiveWindows as described on the record
     * @param detail as described on the record
     * @param confidence as described on the record
     * @param estimates as described on the record
     * @param uplifts as described on the record
     *
     * @throws NullPointerException if a reference is null
     * @throws IllegalArgumentException if {@code streak < 0} or {@code consecutiveWindows < 1}
     */
    public CriterionResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        observed = Collections.unmodifiableMap(new LinkedHashMap<>(observed));
        samples = Collections.unmodifiableMap(new LinkedHashMap<>(samples));
        estimates = Collections.unmodifiableMap(new LinkedHashMap<>(estimates));
        uplifts = Collections.unmodifiableMap(new LinkedHashMap<>(uplifts));
        if (streak < 0) {
            throw new IllegalArgumentException("streak must be >= 0, but was " + streak);
        }
        if (consecutiveWindows < 1) {
            throw new IllegalArgumentException("consecutiveWindows must be >= 1, but was "
                    + consecutiveWindows);
        }
    }
}
