package dev.releaserouter.rollout.gates;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.stats.MetricKind;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that every metric a parsed policy reads is one a {@link MetricCatalog} provides, in the
 * way the criterion reads it. Stateless and thread-safe.
 */
final class PolicyMetrics {

    private PolicyMetrics() {}

    /**
     * @param policy the policy
     * @param catalog what the measurements provide
     * @throws ConfigException for the first criterion (in file order) that reads an unknown
     *     metric, naming the policy's source, the criterion's JSON pointer, the expression or
     *     metric as written, and the metrics the catalog knows
     */
    public static void check(ParsedPolicy policy, MetricCatalog catalog) {
        List<Criterion> criteria = policy.criteria();
        for (int i = 0; i < criteria.size(); i++) {
            String pointer = "/criteria/" + i;
            Criterion.Check c = criteria.get(i).check();
            if (c instanceof Checks.Expression e) {
                List<Expr.Ref> refs = new ArrayList<>();
                refs(e.expr(), refs);
                for (Expr.Ref r : refs) {
                    if (!value(policy, catalog, pointer, r.metric())) {
                        throw new ConfigException(policy.source(), pointer + "/"
                                + (e.failWhen() ? "fail_when" : "expr"), e.text(),
                                "unknown metric '" + r.metric() + "' (in " + r.arm() + "."
                                        + r.metric() + "); the measurements provide: "
                                        + catalog.describeValues(), null);
                    }
                }
            } else if (c instanceof Checks.RelativeIncrease r) {
                require(policy, pointer, r.metric(), value(policy, catalog, pointer, r.metric()),
                        "a value", catalog.describeValues());
            } else if (c instanceof Checks.Psi p) {
                require(policy, pointer, p.metric(), catalog.hasHistogram(p.metric()),
                        "a histogram (psi)", catalog.describeHistograms());
            } else if (c instanceof Checks.NonInferiority n) {
                kind(policy, pointer, n.metric(), n.kind(), catalog);
            } else if (c instanceof Checks.Sequential s) {
                kind(policy, pointer, s.metric(), s.kind(), catalog);
            } else if (c instanceof Checks.SampleSizeCheck z) {
                require(policy, pointer, z.metric(), catalog.hasValue(z.metric())
                        || catalog.hasCount(z.metric()), "a value", catalog.describeValues());
            }
        }
    }

    /**
     * Whether a metric is a value: one the catalog provides or one the policy reads from an
     * external source (never both: an external metric must not hide a measurement).
     */
    private static boolean value(ParsedPolicy policy, MetricCatalog catalog, String pointer,
            String metric) {
        ExternalMetric external = policy.externalMetrics().get(metric);
        if (external == null) {
            return catalog.hasValue(metric);
        }
        if (catalog.hasValue(metric)) {
            throw new ConfigException(policy.source(), external.pointer(), metric,
                    "the external metric '" + metric + "' (read by " + pointer + ") has the "
                            + "name of a metric the measurements provide; rename it", null);
        }
        return true;
    }

    private static void kind(ParsedPolicy policy, String pointer, String metric,
            MetricKind kind, MetricCatalog catalog) {
        if (kind == MetricKind.CONVERSION) {
            require(policy, pointer, metric, catalog.hasCount(metric),
                    "event counts (kind conversion)", catalog.describeCounts());
        } else {
            require(policy, pointer, metric, catalog.hasVariance(metric),
                    "a mean and variance (kind continuous)", catalog.describeVariances());
        }
    }

    private static void require(ParsedPolicy policy, String pointer, String metric,
            boolean known, String what, String knownList) {
        if (!known) {
            throw new ConfigException(policy.source(), pointer + "/metric", metric,
                    "unknown metric '" + metric + "': the measurements provide " + what
                            + " for " + knownList, null);
        }
    }

    /** Collects the metric references; the tree's depth is bounded by the parser. */
    /**
     * The arm metrics a criterion reads: an expression's references, the metric of a
     * statistical criterion on both arms, a relative increase's metric on the candidate and its
     * baseline arm.
     *
     * @param check the criterion's check
     * @return the references in reading order, without duplicates
     */
    static List<Expr.Ref> read(Criterion.Check check) {
        List<Expr.Ref> out = new ArrayList<>();
        if (check instanceof Checks.Expression e) {
            refs(e.expr(), out);
        } else if (check instanceof Checks.RelativeIncrease r) {
            out.add(new Expr.Ref(GateInput.CANDIDATE, r.metric()));
            if (r.baselineArm() != null) {
                out.add(new Expr.Ref(r.baselineArm(), r.metric()));
            }
        } else if (!(check instanceof Checks.SampleRatio)) {
            String metric = check instanceof Checks.Psi p ? p.metric()
                    : check instanceof Checks.NonInferiority n ? n.metric()
                    : check instanceof Checks.SampleSizeCheck z ? z.metric()
                    : ((Checks.Sequential) check).metric();
            out.add(new Expr.Ref(GateInput.STABLE, metric));
            out.add(new Expr.Ref(GateInput.CANDIDATE, metric));
        }
        return out.stream().distinct().toList();
    }

    private static void refs(Expr e, List<Expr.Ref> out) {
        if (e instanceof Expr.Ref r) {
            out.add(r);
        } else if (e instanceof Expr.Neg n) {
            refs(n.operand(), out);
        } else if (e instanceof Expr.Arith a) {
            refs(a.left(), out);
            refs(a.right(), out);
        } else if (e instanceof Expr.Call c) {
            c.args().forEach(x -> refs(x, out));
        } else if (e instanceof Expr.Compare c) {
            refs(c.left(), out);
            refs(c.right(), out);
        } else if (e instanceof Expr.Logic l) {
            refs(l.left(), out);
            refs(l.right(), out);
        } else if (e instanceof Expr.Not n) {
            refs(n.operand(), out);
        }
    }
}
