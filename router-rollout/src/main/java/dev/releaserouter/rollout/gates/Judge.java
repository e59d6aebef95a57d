package dev.releaserouter.rollout.gates;

import dev.releaserouter.stats.Interval;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Decides the comparisons of one expression in one evaluation. A comparison of one metric with a
 * threshold ({@code candidate.error_rate > 0.01}, either side, any of {@code < <= > >=}) whose
 * metric has an {@link GateInput#estimate estimate} is decided on the estimate's one-sided
 * bounds at the confidence: {@code x > t} is true when the lower bound is above {@code t},
 * false when the upper bound is not, and UNKNOWN (not enough data) while the bounds straddle
 * {@code t}. The estimate comes from the cumulative evidence ({@link GateInput#cumulative()}),
 * so a criterion that holds gathers evidence. Every other comparison, and every comparison at
 * confidence 0.5, is decided on the values as measured.
 *
 * <p>Not thread-safe: one judge per evaluation, on the evaluating thread. It records the
 * estimates it used for the verdict.
 */
final class Judge {

    private static final MathContext FOUR_DIGITS = new MathContext(4, RoundingMode.HALF_UP);

    private final GateInput input;
    private final GateInput evidence;
    private final double confidence;
    private final Map<String, Estimate> estimates = new LinkedHashMap<>();
    private final Map<Expr.Compare, Estimate> byComparison = new IdentityHashMap<>();
    private final List<String> notes = new ArrayList<>();

    private Judge(GateInput input, GateInput evidence, double confidence) {
        this.input = input;
        this.evidence = evidence;
        this.confidence = confidence;
    }

    /**
     * A judge that compares values as measured.
     *
     * @param input the window
     * @return the judge
     */
    static Judge asMeasured(GateInput input) {
        return new Judge(input, input, 0.5);
    }

    /**
     * A judge that compares a metric with a threshold on its bounds at the confidence.
     *
     * @param input the window, for values as measured
     * @param confidence the one-sided level in [0.5, 1)
     * @return the judge
     */
    static Judge withBounds(GateInput input, double confidence) {
        return new Judge(input, Checks.evidence(input), confidence);
    }

    /** @return the one-sided level of the bounds, 0.5 when comparing as measured */
    double confidence() {
        return confidence;
    }

    /** @return the estimates used, by {@code arm.metric}, in order of use */
    Map<String, Estimate> estimates() {
        return estimates;
    }

    /**
     * @param c a comparison this judge decided
     * @return the estimate it was decided on, or null if it was decided as measured
     */
    @Nullable Estimate estimateOf(Expr.Compare c) {
        return byComparison.get(c);
    }

    /** @return one line per comparison decided on bounds, e.g. its bounds and threshold */
    List<String> notes() {
        return notes;
    }

    /**
     * Decides a comparison.
     *
     * @param c the comparison
     * @return its truth value
     */
    Tri compare(Expr.Compare c) {
        if (confidence > 0.5 && !c.op().equals("==") && !c.op().equals("!=")) {
            if (c.left() instanceof Expr.Ref r && c.right().isConstant()) {
                Tri t = bounded(c, r, c.right(), c.op());
                if (t != null) {
                    return t;
                }
            } else if (c.right() instanceof Expr.Ref r && c.left().isConstant()) {
                Tri t = bounded(c, r, c.left(), mirror(c.op()));
                if (t != null) {
                    return t;
                }
            }
        }
        return c.holds(c.left().number(input), c.right().number(input));
    }

    /** {@code metric op threshold} on the metric's bounds; null if it has no estimate. */
    private @Nullable Tri bounded(Expr.Compare c, Expr.Ref ref, Expr thresholdExpr, String op) {
        Estimate e = evidence.estimate(ref.arm(), ref.metric());
        if (e == null) {
            return null;
        }
        String name = ref.arm() + "." + ref.metric();
        estimates.put(name, e);
        byComparison.put(c, e);
        double t = thresholdExpr.number(input);
        if (!e.isDefined() || Double.isNaN(t)) {
            notes.add(name + " has no estimate (" + e.units() + " units)");
            return Tri.UNKNOWN;
        }
        Interval b = e.bounds(confidence);
        Tri result = switch (op) {
            case ">" -> b.lower() > t ? Tri.TRUE : b.upper() <= t ? Tri.FALSE : Tri.UNKNOWN;
            case ">=" -> b.lower() >= t ? Tri.TRUE : b.upper() < t ? Tri.FALSE : Tri.UNKNOWN;
            case "<" -> b.upper() < t ? Tri.TRUE : b.lower() >= t ? Tri.FALSE : Tri.UNKNOWN;
            default -> b.upper() <= t ? Tri.TRUE : b.lower() > t ? Tri.FALSE : Tri.UNKNOWN;
        };
        notes.add(name + " " + num(e.value()) + ", " + percent(confidence) + "% bounds ["
                + num(b.lower()) + ", " + num(b.upper()) + "] " + (result == Tri.UNKNOWN
                        ? "straddle" : op.startsWith(">") == (result == Tri.TRUE) ? "above"
                        : "not above") + " " + num(t) + " (" + e.method() + ", n " + e.units()
                + ")");
        return result;
    }

    private static String mirror(String op) {
        return switch (op) {
            case "<" -> ">";
            case "<=" -> ">=";
            case ">" -> "<";
            default -> "<=";
        };
    }

    /**
     * A number to 4 significant digits without trailing zeros, as {@code %.4g} writes it but
     * trimmed: 0.01, 0.006, 1492, 1.492e-05, 1.5e+06. Not {@code String.format}: the gates
     * write these on every evaluation, and a formatter costs more than the statistics.
     */
    static String num(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        if (v == 0) {
            return "0";
        }
        BigDecimal b = new BigDecimal(v).round(FOUR_DIGITS);
        int exp = b.precision() - b.scale() - 1;
        if (exp >= -4 && exp < 4) {
            return trimZeros(b.setScale(Math.max(0, 3 - exp), RoundingMode.UNNECESSARY)
                    .toPlainString());
        }
        String mantissa = trimZeros(b.movePointLeft(exp).setScale(3, RoundingMode.UNNECESSARY)
                .toPlainString());
        int e = Math.abs(exp);
        return mantissa + (exp < 0 ? "e-" : "e+") + (e < 10 ? "0" : "") + e;
    }

    /** "4.000" as "4", "0.01000" as "0.01"; a number without a point as it is. */
    private static String trimZeros(String s) {
        if (s.indexOf('.') < 0) {
            return s;
        }
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        return s.substring(0, s.charAt(end - 1) == '.' ? end - 1 : end);
    }

    /** {@link #num} with a sign: +0.004, -0.001. */
    static String signed(double v) {
        return (v >= 0 ? "+" : "") + num(v);
    }

    /** 0.995 as "99.5", 0.95 as "95". */
    static String percent(double level) {
        return num(level * 100);
    }
}
