package dev.releaserouter.rollout.gates;

import dev.releaserouter.stats.ArmSummary;
import dev.releaserouter.stats.Interval;
import dev.releaserouter.stats.MetricKind;
import dev.releaserouter.stats.Uplift;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The candidate's uplift over the stable arm, with its interval, on the metrics a criterion
 * reads: the explanation every criterion carries, whatever its type or status. The arms'
 * {@link Estimate estimates} come from the cumulative evidence ({@link GateInput#cumulative()})
 * and go through router-stats' {@link Uplift} (absolute and relative, the relative one by the
 * delta method): two binomial proportions as conversions, anything else as means whose variance
 * of the mean is the estimate's squared standard error.
 *
 * <p>Stateless and thread-safe.
 */
final class Uplifts {

    private Uplifts() {}

    /**
     * @param c the criterion
     * @param input the window
     * @return the uplift per metric the criterion reads as a value, for metrics with a defined
     *     estimate and a positive standard error on both arms (with no event, or no variance,
     *     the delta method's interval collapses to a point, which would overstate what is
     *     known); intervals two-sided at the criterion's confidence (0.95 for a criterion that
     *     compares as measured)
     */
    static Map<String, Uplift> of(Criterion c, GateInput input) {
        Map<String, Uplift> out = new LinkedHashMap<>();
        if (c.check() instanceof Checks.Psi) {
            return out; // a histogram, not a value
        }
        GateInput evidence = Checks.evidence(input);
        double level = c.confidence() > 0.5 ? c.confidence() : Policy.DEFAULT_CONFIDENCE;
        if (c.check() instanceof Checks.NonInferiority n) {
            // The data of the test itself: this window's counts or moments.
            tested(out, input, n.metric(), n.kind(), level);
            return out;
        }
        if (c.check() instanceof Checks.Sequential q) {
            tested(out, evidence, q.metric(), q.kind(), level);
            return out;
        }
        for (Expr.Ref r : PolicyMetrics.read(c.check())) {
            if (out.containsKey(r.metric())) {
                continue;
            }
            Estimate control = evidence.estimate(GateInput.STABLE, r.metric());
            Estimate treatment = evidence.estimate(GateInput.CANDIDATE, r.metric());
            if (control != null && treatment != null && control.isDefined()
                    && treatment.isDefined() && control.standardError() > 0
                    && treatment.standardError() > 0) {
                out.put(r.metric(), uplift(control, treatment, level));
            }
        }
        return out;
    }

    private static void tested(Map<String, Uplift> out, GateInput input, String metric,
            MetricKind kind, double level) {
        ArmSummary control = Checks.summary(input, GateInput.STABLE, metric, kind);
        ArmSummary treatment = Checks.summary(input, GateInput.CANDIDATE, metric, kind);
        if (control != null && treatment != null && varies(kind, control)
                && varies(kind, treatment)) {
            out.put(metric, Uplift.of(kind, control, treatment, level));
        }
    }

    /** An arm whose mean has a variance: an interval on it is not degenerate. */
    private static boolean varies(MetricKind kind, ArmSummary arm) {
        if (arm.n() < 1) {
            return false;
        }
        if (kind == MetricKind.CONVERSION) {
            return arm.conversions() > 0 && arm.conversions() < arm.n();
        }
        return arm.n() >= 2 && arm.variance() > 0;
    }

    private static Uplift uplift(Estimate control, Estimate treatment, double level) {
        if (binomial(control) && binomial(treatment)) {
            return Uplift.of(MetricKind.CONVERSION, conversions(control), conversions(treatment),
                    level);
        }
        return Uplift.of(MetricKind.CONTINUOUS, moments(control), moments(treatment), level);
    }

    private static boolean binomial(Estimate e) {
        return e.kind() == Estimate.Kind.PROPORTION && e.method().equals("binomial");
    }

    private static ArmSummary conversions(Estimate e) {
        return ArmSummary.ofConversions(e.units(), Math.round(e.value() * e.units()));
    }

    /** A mean whose variance of the mean is the estimate's squared standard error. */
    private static ArmSummary moments(Estimate e) {
        long n = Math.max(2, e.units());
        return ArmSummary.ofMoments(n, e.value(), e.standardError() * e.standardError() * n);
    }

    /**
     * @param uplifts the uplifts
     * @return {@code "; uplift vs stable: error_rate +0.0012 (95% CI [...]), +60% (95% CI
     *     [...])"}, or empty
     */
    static String describe(Map<String, Uplift> uplifts) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Uplift> e : uplifts.entrySet()) {
            Uplift u = e.getValue();
            String level = Judge.percent(u.confidenceLevel());
            sb.append(sb.length() == 0 ? "; uplift vs stable: " : "; ").append(e.getKey())
                    .append(' ').append(Judge.signed(u.absolute())).append(" (").append(level)
                    .append("% CI ").append(interval(u.absoluteInterval(), 1, "")).append(')');
            if (Double.isFinite(u.relative())) {
                sb.append(", ").append(Judge.signed(u.relative() * 100)).append("% (")
                        .append(level).append("% CI ")
                        .append(interval(u.relativeInterval(), 100, "%")).append(')');
            }
        }
        return sb.toString();
    }

    private static String interval(Interval i, double scale, String unit) {
        return "[" + Judge.signed(i.lower() * scale) + unit + ", "
                + Judge.signed(i.upper() * scale) + unit + "]";
    }
}
