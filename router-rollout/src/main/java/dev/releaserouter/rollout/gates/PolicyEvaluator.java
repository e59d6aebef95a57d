package dev.releaserouter.rollout.gates;

import dev.releaserouter.stats.SequentialTest;
import dev.releaserouter.stats.Uplift;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Evaluates a {@link Policy} over the measurements of a window.
 *
 * <p>For each criterion: if the window is shorter than {@code min_window}, or an arm the criterion
 * reads has fewer samples than its {@code min_samples}, or an operand is unknown, or a statistical
 * test is inconclusive, the status is NOT_ENOUGH_DATA. A criterion with {@code "min_samples_per":
 * "metric"} compares {@code min_samples} with the samples behind each metric it reads ({@link
 * GateInput#samples(String, String)}) instead of each arm's. Otherwise a breach extends the
 * criterion's streak of consecutive breached windows (anything else resets it to 0); the status is
 * the criterion's severity once the streak reaches {@code consecutive_windows}, and one level
 * milder before that (a CRITICAL breach is ALERT, an ALERT breach is OK). The verdict rule is in
 * {@link GateVerdict}.
 *
 * <p>Stateless and thread-safe; all methods are static.
 */
public final class PolicyEvaluator {

    private PolicyEvaluator() {}

    /**
     * Evaluates one window with no history (every streak starts at 0, sequential tests take
     * their first look).
     *
     * @param policy the policy
     * @param input the window's measurements
     * @return the verdict
     * @throws NullPointerException if an argument is null
     */
    public static GateVerdict evaluate(Policy policy, GateInput input) {
        return evaluate(policy, input, GateHistory.empty());
    }

    /**
     * Evaluates one window after earlier ones. Append the result to the history for the next
     * window: {@code history = history.append(verdict)}.
     *
     * @param policy the policy
     * @param input the window's measurements
     * @param history what earlier windows left; ignored if it belongs to another policy digest
     * @return the verdict
     * @throws NullPointerException if an argument is null
     */
    public static GateVerdict evaluate(Policy policy, GateInput input, GateHistory history) {
        Objects.requireNonNull(input, "input");
        ParsedPolicy p = policy.parsed();
        GateHistory h = history.forPolicy(p.digest());
        Duration window = Objects.requireNonNull(input.window(), "input.window()");
        boolean shortWindow = window.compareTo(p.minWindow()) < 0;
        List<CriterionResult> results = new ArrayList<>();
        Map<String, SequentialTest> tests = new HashMap<>();
        for (Criterion c : p.criteria()) {
            results.add(evaluate(c, input, h, shortWindow, p.minWindow(), tests));
        }
        Map<String, Long> samples = new LinkedHashMap<>();
        samples.put(GateInput.STABLE, input.samples(GateInput.STABLE));
        samples.put(GateInput.CANDIDATE, input.samples(GateInput.CANDIDATE));
        return new GateVerdict(p.name(), p.digest(), window, samples, results, tests);
    }

    /**
     * Evaluates consecutive windows, oldest first, carrying the history from one to the next.
     *
     * @param policy the policy
     * @param windows one input per window, oldest first
     * @return one verdict per window, in the same order
     * @throws NullPointerException if an argument or window is null
     */
    public static List<GateVerdict> evaluateWindows(Policy policy, List<GateInput> windows) {
        GateHistory history = GateHistory.empty();
        List<GateVerdict> out = new ArrayList<>(windows.size());
        for (GateInput w : windows) {
            GateVerdict v = evaluate(policy, w, history);
            history = history.append(v);
            out.add(v);
        }
        return List.copyOf(out);
    }

    /** Why the metrics a criterion reads are unknown, as the input says (empty if it does not). */
    private static String unknownReasons(Criterion.Check check, GateInput input) {
        StringBuilder out = new StringBuilder();
        for (Expr.Ref r : PolicyMetrics.read(check)) {
            String why = input.unknownReason(r.arm(), r.metric());
            if (why != null) {
                out.append("; ").append(r.arm()).append('.').append(r.metric()).append(": ")
                        .append(why);
            }
        }
        return out.toString();
    }

    private static CriterionResult evaluate(Criterion c, GateInput input, GateHistory history,
            boolean shortWindow, Duration minWindow, Map<String, SequentialTest> tests) {
        Criterion.Check check = c.check();
        SequentialTest previous = history.sequentialTest(c.name());
        // Per arm: the arm's requests. Per metric: each metric's own sample, and each arm
        // reports the smallest sample among the metrics read on it.
        Map<String, Long> samples = new LinkedHashMap<>();
        String shortOf = null;
        long shortSamples = 0;
        if (c.perMetricSamples()) {
            for (Expr.Ref r : PolicyMetrics.read(check)) {
                long n = input.samples(r.arm(), r.metric());
                samples.merge(r.arm(), n, Math::min);
                if (shortOf == null && n < c.minSamples()) {
                    shortOf = r.arm() + "." + r.metric();
                    shortSamples = n;
                }
            }
        } else {
            for (String arm : check.arms()) {
                long n = input.samples(arm);
                samples.put(arm, n);
                if (shortOf == null && n < c.minSamples()) {
                    shortOf = "arm " + arm;
                    shortSamples = n;
                }
            }
        }
        if (shortWindow || shortOf != null) {
            if (previous != null) {
                tests.put(c.name(), previous);
            }
            String detail = shortWindow
                    ? "window " + input.window() + " is shorter than min_window " + minWindow
                    : shortOf + " has " + shortSamples + " samples, fewer than min_samples "
                            + c.minSamples();
            Map<String, Uplift> uplifts = Uplifts.of(c, input);
            return new CriterionResult(c.name(), check.type(), check.text(), c.severity(),
                    CriterionStatus.NOT_ENOUGH_DATA, false, Double.NaN, Double.NaN, Map.of(),
                    samples, Double.NaN, Double.NaN, 0, c.consecutiveWindows(),
                    detail + Uplifts.describe(uplifts), c.confidence(), Map.of(), uplifts);
        }
        Measurement m = check.measure(input,
                previous == null && check instanceof Checks.Sequential s ? s.start() : previous);
        if (m.sequential() != null) {
            tests.put(c.name(), m.sequential());
        }
        boolean breached = m.outcome() == Tri.FALSE;
        int streak = breached ? history.streak(c.name()) + 1 : 0;
        CriterionStatus status;
        String detail = m.detail();
        if (m.outcome() == Tri.UNKNOWN) {
            status = CriterionStatus.NOT_ENOUGH_DATA;
            detail = detail + unknownReasons(check, input);
        } else if (!breached) {
            status = CriterionStatus.OK;
        } else if (streak >= c.consecutiveWindows()) {
            status = c.severity() == Severity.CRITICAL ? CriterionStatus.CRITICAL
                    : CriterionStatus.ALERT;
        } else {
            status = c.severity() == Severity.CRITICAL ? CriterionStatus.ALERT
                    : CriterionStatus.OK;
            detail = detail + "; breached " + streak + " of " + c.consecutiveWindows()
                    + " consecutive windows";
        }
        Map<String, Uplift> uplifts = Uplifts.of(c, input);
        return new CriterionResult(c.name(), check.type(), check.text(), c.severity(), status,
                breached, m.value(), m.threshold(), m.observed(),
                c.perMetricSamples() ? samples : m.samples(), m.statistic(),
                m.pValue(), streak, c.consecutiveWindows(), detail + Uplifts.describe(uplifts),
                c.confidence(), m.estimates(), uplifts);
    }
}
