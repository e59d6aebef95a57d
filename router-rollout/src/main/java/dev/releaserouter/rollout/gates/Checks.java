package dev.releaserouter.rollout.gates;

import dev.releaserouter.stats.ArmSummary;
import dev.releaserouter.stats.ContinuityCorrection;
import dev.releaserouter.stats.Direction;
import dev.releaserouter.stats.Effect;
import dev.releaserouter.stats.Interval;
import dev.releaserouter.stats.MeanMethod;
import dev.releaserouter.stats.Means;
import dev.releaserouter.stats.MetricKind;
import dev.releaserouter.stats.PopulationStability;
import dev.releaserouter.stats.ProportionMethod;
import dev.releaserouter.stats.Proportions;
import dev.releaserouter.stats.PsiResult;
import dev.releaserouter.stats.SampleRatioMismatch;
import dev.releaserouter.stats.SampleRequirement;
import dev.releaserouter.stats.SampleSize;
import dev.releaserouter.stats.SequentialTest;
import dev.releaserouter.stats.SrmResult;
import dev.releaserouter.stats.TestDesign;
import dev.releaserouter.stats.TestResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The criterion types: an expression and the built-in statistical criteria, which reuse
 * router-stats ({@link Proportions}, {@link Means}, {@link SequentialTest},
 * {@link PopulationStability}, {@link SampleRatioMismatch}, {@link SampleSize}). Every check is an
 * immutable record, safe to share.
 */
final class Checks {

    private static final List<String> BOTH = List.of(GateInput.STABLE, GateInput.CANDIDATE);

    private Checks() {}

    /**
     * A condition in the expression language. A comparison of one metric with a threshold is
     * decided on the metric's confidence bounds ({@link Judge}) when the confidence is above 0.5
     * and the input gives the metric an estimate.
     *
     * @param text the expression as written
     * @param expr the parsed tree, boolean
     * @param failWhen true if the expression describes the failure ({@code fail_when}), false
     *     if it describes what must hold ({@code expr})
     * @param arms the arms it references
     * @param confidence the one-sided level of the bounds, in [0.5, 1); 0.5 compares values
     *     as measured
     */
    public record Expression(String text, Expr expr, boolean failWhen, List<String> arms,
            double confidence) implements Criterion.Check {

        /**
         * Copies the arms.
         *
         * @param text as described on the record
         * @param expr as described on the record
         * @param failWhen as described on the record
         * @param arms as described on the record
         * @param confidence as described on the record
         */
        public Expression {
            arms = List.copyOf(arms);
        }

        @Override
        public String type() {
            return "expression";
        }

        @Override
        public Measurement measure(GateInput input, @Nullable SequentialTest previous) {
            Map<String, Double> observed = new LinkedHashMap<>();
            expr.collect(input, observed);
            Judge judge = Judge.withBounds(input, confidence);
            Tri truth = expr.truth(judge);
            Tri outcome = truth == Tri.UNKNOWN ? Tri.UNKNOWN
                    : (truth == Tri.TRUE) != failWhen ? Tri.TRUE : Tri.FALSE;
            Expr cmp = expr instanceof Expr.Not n ? n.operand() : expr;
            double value = Double.NaN;
            double threshold = Double.NaN;
            if (cmp instanceof Expr.Compare c) {
                Estimate e = judge.estimateOf(c);
                value = c.left().number(input);
                threshold = c.right().number(input);
                if (e != null) {
                    // What was judged: the estimate, on whichever side the metric stands.
                    boolean metricLeft = c.left() instanceof Expr.Ref;
                    value = metricLeft ? e.value() : value;
                    threshold = metricLeft ? threshold : e.value();
                }
            }
            String detail;
            if (truth != Tri.UNKNOWN) {
                detail = (failWhen ? "fail_when is " : "expr is ") + (truth == Tri.TRUE);
            } else if (judge.estimates().values().stream().anyMatch(Estimate::isDefined)) {
                detail = "the " + Judge.percent(confidence)
                        + "% confidence bounds do not decide";
            } else {
                detail = "an operand is unknown";
            }
            if (!judge.notes().isEmpty()) {
                detail = detail + ": " + String.join("; ", judge.notes());
            }
            return new Measurement(outcome, value, threshold, observed, samples(input, arms),
                    Double.NaN, Double.NaN, detail, null, judge.estimates());
        }
    }

    /**
     * Non-inferiority of the candidate against the stable arm with an absolute margin, from the
     * {@code 1 - 2 alpha} two-sided interval of {@code candidate - stable} (a one-sided test at
     * alpha): the z-test's Wald interval for conversions, Welch's for continuous metrics.
     *
     * @param metric the metric
     * @param margin the margin, in the metric's units, {@code >= 0}
     * @param direction which way is better
     * @param kind conversion or continuous
     * @param alpha the one-sided level in (0, 0.5)
     */
    public record NonInferiority(String metric, double margin, Direction direction,
            MetricKind kind, double alpha) implements Criterion.Check {

        @Override
        public String type() {
            return "non_inferiority";
        }

        @Override
        public String text() {
            return "non_inferiority(" + metric + ", margin=" + margin + ", "
                    + lower(direction) + ", " + lower(kind) + ", alpha=" + alpha + ")";
        }

        @Override
        public Measurement measure(GateInput input, @Nullable SequentialTest previous) {
            Map<String, Double> observed = new LinkedHashMap<>();
            ArmSummary control = summary(input, GateInput.STABLE, metric, kind, observed);
            ArmSummary treatment = summary(input, GateInput.CANDIDATE, metric, kind, observed);
            Map<String, Long> samples = metricSamples(input, metric);
            boolean higher = direction == Direction.HIGHER_IS_BETTER;
            double threshold = higher ? -margin : margin;
            if (control == null || treatment == null) {
                return Measurement.of(Tri.UNKNOWN, Double.NaN, threshold, observed, samples,
                        kind == MetricKind.CONVERSION ? "conversion counts are unknown"
                                : "mean or variance is unknown");
            }
            double level = 1 - 2 * alpha;
            TestResult r = kind == MetricKind.CONVERSION
                    ? Proportions.zTest(control, treatment, ContinuityCorrection.NONE, level)
                    : Means.welchTest(control, treatment, level);
            Interval ci = r.confidenceInterval();
            if (Double.isNaN(r.pValue()) || !(ci.upper() - ci.lower() > 0)) {
                // No variance (0/500 vs 0/500, constant values): the difference is undefined,
                // not "no difference".
                return Measurement.of(Tri.UNKNOWN, r.estimate(), threshold, observed, samples,
                        r.method() + "; the difference's standard error is 0 or undefined:"
                                + " not enough data to bound it");
            }
            Tri outcome;
            if (higher ? ci.lower() > -margin : ci.upper() < margin) {
                outcome = Tri.TRUE;
            } else if (higher ? ci.upper() < -margin : ci.lower() > margin) {
                outcome = Tri.FALSE;
            } else {
                outcome = Tri.UNKNOWN;
            }
            String detail = String.format(Locale.ROOT,
                    "%s; difference %.6g, %.0f%% interval [%.6g, %.6g] vs %s %.6g: %s", r.method(),
                    r.estimate(), level * 100, ci.lower(), ci.upper(),
                    higher ? "lower bound >" : "upper bound <", threshold,
                    outcome == Tri.TRUE ? "non-inferior"
                            : outcome == Tri.FALSE ? "inferior" : "inconclusive");
            return new Measurement(outcome, r.estimate(), threshold, observed, samples,
                    r.statistic(), r.pValue(), detail, null);
        }
    }

    /**
     * The always-valid mSPRT of router-stats, one look per window, its state carried in
     * {@link dev.releaserouter.rollout.gates.GateHistory}. The candidate fails when the test
     * rejects "no difference" with the estimate in the harmful direction.
     *
     * @param metric the metric
     * @param direction which way is better
     * @param kind conversion or continuous
     * @param alpha the level in (0, 1)
     * @param mixingSd the mixing standard deviation tau, in the metric's units
     * @param requireImprovement true: pass only once the candidate is significantly better
     *     (inconclusive is NOT_ENOUGH_DATA); false: pass unless significantly worse
     */
    public record Sequential(String metric, Direction direction, MetricKind kind, double alpha,
            double mixingSd, boolean requireImprovement) implements Criterion.Check {

        @Override
        public String type() {
            return "sequential";
        }

        @Override
        public String text() {
            return "sequential(" + metric + ", " + lower(direction) + ", " + lower(kind)
                    + ", alpha=" + alpha + ", mixing_sd=" + mixingSd + ", require="
                    + (requireImprovement ? "improvement" : "no_harm") + ")";
        }

        /**
         * A fresh test for this criterion.
         *
         * @return the test before its first look
         */
        public SequentialTest start() {
            return SequentialTest.start(kind, mixingSd, alpha);
        }

        @Override
        public Measurement measure(GateInput window, @Nullable SequentialTest previous) {
            // Always-valid over looks at cumulative data: the evidence since the split began.
            GateInput input = evidence(window);
            Map<String, Double> observed = new LinkedHashMap<>();
            ArmSummary control = summary(input, GateInput.STABLE, metric, kind, observed);
            ArmSummary treatment = summary(input, GateInput.CANDIDATE, metric, kind, observed);
            Map<String, Long> samples = metricSamples(input, metric);
            SequentialTest before = previous != null ? previous : start();
            if (control == null || treatment == null) {
                return new Measurement(Tri.UNKNOWN, Double.NaN, alpha, observed, samples,
                        Double.NaN, before.pValue(), "counts or moments are unknown",
                        previous);
            }
            SequentialTest test = before.observe(control, treatment);
            double estimate = test.estimate();
            boolean harmful = direction == Direction.HIGHER_IS_BETTER ? estimate < 0
                    : estimate > 0;
            Tri outcome;
            String verdict;
            if (test.rejected()) {
                outcome = harmful ? Tri.FALSE : Tri.TRUE;
                verdict = harmful ? "significantly worse" : "significantly better";
            } else {
                outcome = requireImprovement ? Tri.UNKNOWN : Tri.TRUE;
                verdict = "no significant difference yet";
            }
            Interval cs = test.confidenceSequence();
            String detail = String.format(Locale.ROOT,
                    "mSPRT look %d: difference %.6g, always-valid p %.6g (alpha %s), confidence"
                            + " sequence [%.6g, %.6g]: %s", test.looks(), estimate,
                    test.pValue(), alpha, cs.lower(), cs.upper(), verdict);
            return new Measurement(outcome, estimate, alpha, observed, samples,
                    test.logLikelihoodRatio(), test.pValue(), detail, test);
        }
    }

    /**
     * The Population Stability Index of the candidate's histogram against the stable arm's.
     *
     * @param metric the metric whose histogram is compared
     * @param max the largest acceptable PSI
     */
    public record Psi(String metric, double max) implements Criterion.Check {

        @Override
        public String type() {
            return "psi";
        }

        @Override
        public String text() {
            return "psi(" + metric + ") <= " + max;
        }

        @Override
        public Measurement measure(GateInput input, @Nullable SequentialTest previous) {
            long[] expected = input.histogram(GateInput.STABLE, metric);
            long[] actual = input.histogram(GateInput.CANDIDATE, metric);
            Map<String, Long> samples = new LinkedHashMap<>();
            samples.put(GateInput.STABLE, sum(expected));
            samples.put(GateInput.CANDIDATE, sum(actual));
            if (expected == null || actual == null) {
                return Measurement.of(Tri.UNKNOWN, Double.NaN, max, Map.of(), samples,
                        "histograms are unknown");
            }
            PsiResult psi;
            try {
                psi = PopulationStability.index(expected, actual);
            } catch (IllegalArgumentException e) {
                return Measurement.of(Tri.UNKNOWN, Double.NaN, max, Map.of(), samples,
                        "histograms cannot be compared: " + e.getMessage());
            }
            double v = psi.value();
            Tri outcome = Double.isNaN(v) ? Tri.UNKNOWN : Tri.of(v <= max);
            return new Measurement(outcome, v, max, Map.of("psi(" + metric + ")", v), samples,
                    v, Double.NaN, String.format(Locale.ROOT, "PSI %.6g (%s) vs max %s", v,
                            psi.level(), max), null);
        }
    }

    /**
     * The candidate's increase over a baseline in percent,
     * {@code (candidate - baseline) / |baseline| * 100}, e.g. MAE at most 20% above the stable
     * arm's (seed 003).
     *
     * @param metric the metric
     * @param maxPct the largest acceptable increase in percent
     * @param baselineArm the arm giving the baseline, or null to use {@code baselineValue}
     * @param baselineValue the fixed baseline when {@code baselineArm} is null
     * @param baselineText how the baseline was written, for the verdict
     */
    public record RelativeIncrease(String metric, double maxPct, @Nullable String baselineArm,
            double baselineValue, String baselineText) implements Criterion.Check {

        @Override
        public String type() {
            return "relative_increase";
        }

        @Override
        public String text() {
            return "relative_increase(" + metric + " vs " + baselineText + ") <= " + maxPct
                    + "%";
        }

        @Override
        public List<String> arms() {
            return baselineArm == null ? List.of(GateInput.CANDIDATE) : BOTH;
        }

        @Override
        public Measurement measure(GateInput input, @Nullable SequentialTest previous) {
            double candidate = input.value(GateInput.CANDIDATE, metric);
            double base = baselineArm == null ? baselineValue : input.value(baselineArm, metric);
            Map<String, Double> observed = new LinkedHashMap<>();
            observed.put(GateInput.CANDIDATE + "." + metric, candidate);
            observed.put(baselineArm == null ? baselineText : baselineArm + "." + metric, base);
            double pct;
            if (Double.isNaN(candidate) || Double.isNaN(base)) {
                pct = Double.NaN;
            } else if (base == 0) {
                pct = candidate == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, candidate);
            } else {
                pct = (candidate - base) / Math.abs(base) * 100;
            }
            Tri outcome = Double.isNaN(pct) ? Tri.UNKNOWN : Tri.of(pct <= maxPct);
            String detail = Double.isNaN(pct) ? "an operand is unknown"
                    : String.format(Locale.ROOT, "%s %.6g vs baseline %.6g: %+.4g%% (max %s%%)",
                            metric, candidate, base, pct, maxPct);
            return Measurement.of(outcome, pct, maxPct, observed, samples(input, arms()),
                    detail);
        }
    }

    /**
     * Sample-ratio mismatch: Pearson's chi-square test ({@link SampleRatioMismatch}) of the
     * units the router assigned to each arm by the weighted split ({@link GateInput#assigned})
     * against the configured split ({@link GateInput#candidateShare()}), on the cumulative
     * evidence (one split). A mismatch means assignment or logging is broken and no other number
     * can be trusted: a breach, at the criterion's severity (ALERT, a HOLD, by default).
     *
     * @param alpha the level of the test, in (0, 1); 0.001 by default, since it runs at every
     *     look (Fabijan et al., KDD 2019)
     */
    public record SampleRatio(double alpha) implements Criterion.Check {

        /** Expected units per arm below which the chi-square approximation is not trusted. */
        static final double MIN_EXPECTED = 5;

        @Override
        public String type() {
            return "sample_ratio";
        }

        @Override
        public String text() {
            return "sample_ratio(alpha=" + alpha + ")";
        }

        @Override
        public Measurement measure(GateInput window, @Nullable SequentialTest previous) {
            GateInput input = evidence(window);
            double share = window.candidateShare();
            long stable = input.assigned(GateInput.STABLE);
            long candidate = input.assigned(GateInput.CANDIDATE);
            Map<String, Double> observed = new LinkedHashMap<>();
            observed.put("stable.assigned", stable < 0 ? Double.NaN : (double) stable);
            observed.put("candidate.assigned", candidate < 0 ? Double.NaN : (double) candidate);
            observed.put("candidate.configured_share", share);
            Map<String, Long> samples = new LinkedHashMap<>();
            samples.put(GateInput.STABLE, Math.max(0, stable));
            samples.put(GateInput.CANDIDATE, Math.max(0, candidate));
            long total = Math.max(0, stable) + Math.max(0, candidate);
            double observedShare = total == 0 ? Double.NaN : (double) candidate / total;
            String why = null;
            if (share == 0 || share == 1) {
                // At 0% or 100% there is no split to check (at 100% the stable arm's numbers
                // are the last stage's).
                return Measurement.of(Tri.TRUE, observedShare, share, observed, samples,
                        "no split to check: the configured weight sends every unit to one arm"
                                + " (candidate share " + Judge.num(share) + ")");
            }
            if (Double.isNaN(share)) {
                why = "the configured split is unknown";
            } else if (stable < 0 || candidate < 0) {
                why = "the units assigned by the split are unknown";
            } else if (total * Math.min(share, 1 - share) < MIN_EXPECTED) {
                why = "too few units for the chi-square test (" + total + " assigned; an arm"
                        + " must expect " + (int) MIN_EXPECTED + ")";
            }
            if (why != null) {
                return Measurement.of(Tri.UNKNOWN, observedShare, share, observed, samples,
                        why);
            }
            SrmResult r = SampleRatioMismatch.test(new long[] {stable, candidate}, 1 - share,
                    share);
            boolean mismatch = r.pValue() < alpha;
            String detail = "candidate got " + Judge.percent(observedShare) + "% of " + total
                    + " units assigned by the split vs " + Judge.percent(share)
                    + "% configured: chi-square " + Judge.num(r.chiSquare()) + ", p "
                    + Judge.num(r.pValue()) + " (alpha " + alpha + "): " + (mismatch
                            ? "sample ratio mismatch, the data cannot be trusted"
                            : "no mismatch");
            return new Measurement(Tri.of(!mismatch), observedShare, share, observed, samples,
                    r.chiSquare(), r.pValue(), detail, null);
        }
    }

    /**
     * The minimum sample size from a power analysis (seed 000 2.3: "window and sample size
     * before deciding promotion"): the units each arm needs for a two-sided test at
     * {@code alpha} to detect the minimum detectable effect with {@code power}, at the split's
     * allocation ({@link GateInput#candidateShare()}, else the observed one), by router-stats'
     * {@link SampleSize} (R's {@code power.prop.test} for conversions, {@code power.t.test} for
     * continuous metrics). NOT_ENOUGH_DATA ("n of N needed") until both arms have their N on
     * the metric ({@link GateInput#samples(String, String)}) in the cumulative evidence (in a
     * rollout: the stage so far, which grows while the criterion holds), then OK; never a
     * breach.
     *
     * @param metric the metric the experiment decides on
     * @param kind conversion or continuous
     * @param baseline the planned baseline (a rate, or a mean for a relative effect), or NaN to
     *     use the stable arm's measured one
     * @param effect the minimum detectable effect, absolute or relative
     * @param sd the standard deviation of a continuous metric, or NaN to use the stable arm's
     * @param alpha the two-sided level
     * @param power the power
     */
    public record SampleSizeCheck(String metric, MetricKind kind, double baseline, Effect effect,
            double sd, double alpha, double power) implements Criterion.Check {

        @Override
        public String type() {
            return "sample_size";
        }

        @Override
        public String text() {
            return "sample_size(" + metric + ", " + lower(kind) + ", mde=" + effect.value()
                    + (effect.relative() ? " relative" : "") + ", baseline="
                    + (Double.isNaN(baseline) ? "stable" : String.valueOf(baseline))
                    + ", alpha=" + alpha + ", power=" + power + ")";
        }

        @Override
        public Measurement measure(GateInput window, @Nullable SequentialTest previous) {
            GateInput input = evidence(window);
            Map<String, Long> samples = metricSamples(input, metric);
            long nc = samples.get(GateInput.STABLE);
            long nt = samples.get(GateInput.CANDIDATE);
            Map<String, Double> observed = new LinkedHashMap<>();
            double share = window.candidateShare();
            double k = share > 0 && share < 1 ? share / (1 - share)
                    : nc > 0 && nt > 0 ? (double) nt / nc : Double.NaN;
            observed.put("allocation_ratio", k);
            double base = baseline;
            double sigma = sd;
            if (Double.isNaN(base) || (kind == MetricKind.CONTINUOUS && Double.isNaN(sigma))) {
                ArmSummary stable = summary(input, GateInput.STABLE, metric, kind);
                if (stable != null && stable.n() > 0) {
                    base = Double.isNaN(base) ? kind == MetricKind.CONVERSION
                            ? stable.conversionRate() : stable.mean() : base;
                    sigma = Double.isNaN(sigma) && kind == MetricKind.CONTINUOUS
                            ? stable.standardDeviation() : sigma;
                }
            }
            observed.put("baseline", base);
            if (kind == MetricKind.CONTINUOUS) {
                observed.put("sd", sigma);
            }
            SampleRequirement need;
            try {
                if (Double.isNaN(k)) {
                    throw new IllegalArgumentException("the split is unknown");
                }
                TestDesign design = new TestDesign(alpha, power, k);
                need = kind == MetricKind.CONVERSION
                        ? SampleSize.forProportions(base, effect, design,
                                ProportionMethod.POOLED_NORMAL)
                        : SampleSize.forMeans(base, sigma, effect, design,
                                MeanMethod.T_DISTRIBUTION);
            } catch (IllegalArgumentException e) {
                return Measurement.of(Tri.UNKNOWN, Double.NaN, Double.NaN, observed, samples,
                        "no power analysis: " + e.getMessage());
            }
            observed.put("stable.needed", (double) need.control());
            observed.put("candidate.needed", (double) need.treatment());
            boolean met = need.isMetBy(nc, nt);
            // The arm furthest from its size is the one reported.
            boolean candidateShort = (double) nt / need.treatment()
                    <= (double) nc / need.control();
            String detail = "candidate " + nt + " of " + need.treatment() + " needed, stable "
                    + nc + " of " + need.control() + " (power " + power + " to detect "
                    + (effect.relative() ? "+" + Judge.num(effect.value() * 100) + "%"
                            : "+" + Judge.num(effect.value())) + " from " + Judge.num(base)
                    + " at alpha " + alpha + ", two-sided, allocation " + Judge.num(k) + ")";
            return Measurement.of(met ? Tri.TRUE : Tri.UNKNOWN, candidateShort ? nt : nc,
                    candidateShort ? need.treatment() : need.control(), observed, samples,
                    (met ? "minimum sample reached: " : "") + detail);
        }
    }

    /**
     * The evidence criteria that gather it read: the input's cumulative view, or the input.
     *
     * @param input the evaluated input
     * @return {@link GateInput#cumulative()}, or {@code input} when it has none
     */
    static GateInput evidence(GateInput input) {
        GateInput cumulative = input.cumulative();
        return cumulative != null ? cumulative : input;
    }

    /**
     * An arm's summary for a test of the metric: counts for conversions, mean and variance for
     * continuous metrics; null when unknown.
     */
    static @Nullable ArmSummary summary(GateInput input, String arm, String metric,
            MetricKind kind) {
        return summary(input, arm, metric, kind, new LinkedHashMap<>());
    }

    private static @Nullable ArmSummary summary(GateInput input, String arm, String metric,
            MetricKind kind, Map<String, Double> observed) {
        long n = input.samples(arm, metric);
        if (kind == MetricKind.CONVERSION) {
            long x = input.count(arm, metric);
            observed.put(arm + "." + metric + ".count", x < 0 ? Double.NaN : (double) x);
            observed.put(arm + "." + metric + ".n", (double) n);
            if (x < 0 || n < 0 || x > n) {
                return null;
            }
            return ArmSummary.ofConversions(n, x);
        }
        double mean = input.value(arm, metric);
        double variance = input.variance(arm, metric);
        observed.put(arm + "." + metric, mean);
        observed.put(arm + "." + metric + ".variance", variance);
        observed.put(arm + "." + metric + ".n", (double) n);
        if (!Double.isFinite(mean) || !Double.isFinite(variance) || variance < 0 || n < 1) {
            return null;
        }
        return ArmSummary.ofMoments(n, mean, variance);
    }

    private static Map<String, Long> samples(GateInput input, List<String> arms) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String arm : arms) {
            out.put(arm, input.samples(arm));
        }
        return out;
    }

    private static Map<String, Long> metricSamples(GateInput input, String metric) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String arm : BOTH) {
            out.put(arm, input.samples(arm, metric));
        }
        return out;
    }

    private static long sum(long @Nullable [] bins) {
        long total = 0;
        if (bins != null) {
            for (long b : bins) {
                total += b;
            }
        }
        return total;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
