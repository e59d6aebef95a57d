package dev.releaserouter.testkit;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.KillSwitches;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.ShadowConfig;
import dev.releaserouter.api.config.TargetingRule;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.config.Weights;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.RouteResult;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.api.shadow.ShadowDisposition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Checks the invariants against a router, using only its public API: {@code decide},
 * {@code bind}/{@code route} (for the shadow disposition) and {@code config()} (the effective
 * configuration, which says what should happen). Thread-safe: bindings are cached in a
 * concurrent map and the checks keep no other state.
 */
final class InvariantChecker {

    /** Dispositions that mean the request passed the shadow eligibility checks. */
    private static final Set<ShadowDisposition> SHADOWED = Set.of(ShadowDisposition.SCHEDULED,
            ShadowDisposition.DROPPED, ShadowDisposition.CIRCUIT_OPEN);

    private final Router router;
    private final Map<String, RoutedModel<String, String>> bound = new ConcurrentHashMap<>();

    /** @param router the router under test */
    public InvariantChecker(Router router) {
        this.router = Objects.requireNonNull(router, "router");
    }

    /**
     * @param request a request
     * @param invariants the invariants to check; {@link Invariant#SHARES_MATCH_WEIGHTS} is ignored
     * @param out where violations go
     */
    public void check(RouteRequest request, Set<Invariant> invariants, List<Violation> out) {
        RouterConfig config = router.config();
        ModelConfig m = config.model(request.model());
        RouteDecision d = router.decide(request);
        if (invariants.contains(Invariant.ASSIGNMENT_IS_STICKY)) {
            sticky(request, d, out);
        }
        if (m == null) {
            return;
        }
        if (invariants.contains(Invariant.NO_DENIED_TENANT_REACHES_CANDIDATE)) {
            denied(request, d, m, out);
        }
        if (invariants.contains(Invariant.KILLED_MODEL_SERVES_ONLY_STABLE)) {
            killed(request, d, m, config.globalKills(), out);
        }
        if (invariants.contains(Invariant.FORBIDDEN_DATA_NEVER_SHADOWED)) {
            shadow(request, m, config.globalKills(), out);
        }
        if (invariants.contains(Invariant.TARGETING_RULES_APPLY_IN_ORDER)) {
            targeting(request, d, m, out);
        }
    }

    /** The first targeting rule whose conditions hold for the request, or null. */
    private static @Nullable TargetingRule firstRule(ModelConfig m, RouteRequest r) {
        for (TargetingRule rule : m.targeting()) {
            if (rule.matches(r)) {
                return rule;
            }
        }
        return null;
    }

    private static void targeting(RouteRequest r, RouteDecision d, ModelConfig m,
            List<Violation> out) {
        if (!d.hasBucket()) {
            if (d.rule() != null) {
                out.add(new Violation(Invariant.TARGETING_RULES_APPLY_IN_ORDER, r, d, null,
                        "the decision was made before the bucket (" + d.reason()
                                + "), yet it names targeting rule " + d.rule()));
            }
            return;
        }
        TargetingRule expected = firstRule(m, r);
        String expectedId = expected == null ? null : expected.id();
        if (!Objects.equals(expectedId, d.rule())) {
            out.add(new Violation(Invariant.TARGETING_RULES_APPLY_IN_ORDER, r, d, null,
                    "the first targeting rule of model " + m.name() + " that matches is "
                            + (expectedId == null ? "none" : expectedId)
                            + ", but the decision names " + d.rule()));
            return;
        }
        String version = d.version();
        if (d.isCandidate() && version != null) {
            VersionConfig v = m.version(version);
            int weight = expected != null ? expected.weightBasisPoints(version)
                    : v == null ? 0 : v.weightBasisPoints();
            if (weight == 0) {
                out.add(new Violation(Invariant.TARGETING_RULES_APPLY_IN_ORDER, r, d, null,
                        "candidate " + version + " served the request, but its weight "
                                + (expected == null ? "in model " + m.name()
                                        : "in targeting rule " + expectedId) + " is 0"));
            }
        }
    }

    private void sticky(RouteRequest request, RouteDecision d, List<Violation> out) {
        for (RouteRequest again : List.of(request, request.toBuilder().build())) {
            RouteDecision e = router.decide(again);
            if (e.reason() == Reason.BUDGET_EXHAUSTED || d.reason() == Reason.BUDGET_EXHAUSTED
                    || e.configRevision() != d.configRevision()) {
                continue;
            }
            if (!Objects.equals(d.version(), e.version()) || d.role() != e.role()
                    || !d.bucket().equals(e.bucket())) {
                out.add(new Violation(Invariant.ASSIGNMENT_IS_STICKY, request, d, null,
                        "the same request was decided differently: first " + d + ", then "
                                + e));
                return;
            }
        }
    }

    private static void denied(RouteRequest r, RouteDecision d, ModelConfig m,
            List<Violation> out) {
        if (!d.isCandidate()) {
            return;
        }
        for (Dimension dim : Dimension.values()) {
            String value = dim.valueOf(r);
            if (m.deny().contains(dim, value)) {
                out.add(new Violation(Invariant.NO_DENIED_TENANT_REACHES_CANDIDATE, r, d, null,
                        noun(dim) + " " + value + " is on the deny list of model " + m.name()
                                + ", but the request reached candidate " + d.version()));
                return;
            }
            Set<String> allowed = m.allow().get(dim);
            if (!allowed.isEmpty() && (value == null || !allowed.contains(value))) {
                out.add(new Violation(Invariant.NO_DENIED_TENANT_REACHES_CANDIDATE, r, d, null,
                        noun(dim) + " " + value + " is not on the allow list " + allowed
                                + " of model " + m.name() + ", but the request reached "
                                + "candidate " + d.version()));
                return;
            }
        }
    }

    private static void killed(RouteRequest r, RouteDecision d, ModelConfig m,
            KillSwitches global, List<Violation> out) {
        String why = killReason(r, m, global);
        if (why != null && (d.isCandidate() || !m.stableVersion().equals(d.version()))) {
            out.add(new Violation(Invariant.KILLED_MODEL_SERVES_ONLY_STABLE, r, d, null,
                    why + ", so only the stable version " + m.stableVersion()
                            + " may serve, but " + d.version() + " did"));
            return;
        }
        String version = d.version();
        if (version == null || version.equals(m.stableVersion())) {
            return;
        }
        VersionConfig v = m.version(version);
        if (v == null) {
            out.add(new Violation(Invariant.KILLED_MODEL_SERVES_ONLY_STABLE, r, d, null,
                    "version " + version + " is not in the configuration of model " + m.name()));
        } else if (m.kills().versions().contains(version)) {
            out.add(new Violation(Invariant.KILLED_MODEL_SERVES_ONLY_STABLE, r, d, null,
                    "candidate " + version + " of model " + m.name()
                            + " is killed, but it served the request"));
        } else if (v.stage() != Stage.APPROVED) {
            out.add(new Violation(Invariant.KILLED_MODEL_SERVES_ONLY_STABLE, r, d, null,
                    "candidate " + version + " of model " + m.name() + " is at stage "
                            + v.stage() + " (not Approved), but it served the request"));
        }
    }

    /** @return why the request must be answered by stable, or null if no kill switch applies */
    private static @Nullable String killReason(RouteRequest r, ModelConfig m,
            KillSwitches global) {
        if (global.all()) {
            return "the global kill switch is on";
        }
        if (m.kills().all()) {
            return "model " + m.name() + " is killed";
        }
        String tenant = r.tenant();
        if (tenant != null && (global.tenants().contains(tenant)
                || m.kills().tenants().contains(tenant))) {
            return "tenant " + tenant + " is killed";
        }
        String channel = r.channel();
        if (channel != null && (global.channels().contains(channel)
                || m.kills().channels().contains(channel))) {
            return "channel " + channel + " is killed";
        }
        return null;
    }

    private void shadow(RouteRequest r, ModelConfig m, KillSwitches global,
            List<Violation> out) {
        ShadowConfig s = m.shadow();
        if (s == null) {
            return;
        }
        String why = null;
        for (String c : r.dataClasses()) {
            if (s.forbiddenDataClasses().contains(c)) {
                why = "data class " + c + " is forbidden for shadowing by model " + m.name();
                break;
            }
        }
        if (why == null) {
            for (Dimension dim : Dimension.values()) {
                String value = dim.valueOf(r);
                if (s.deny().contains(dim, value)) {
                    why = noun(dim) + " " + value + " is on the shadow deny list of model "
                            + m.name();
                    break;
                }
            }
        }
        if (why == null) {
            String k = killReason(r, m, global);
            String sv = m.shadowVersion();
            if (k != null) {
                why = k;
            } else if (sv != null && m.kills().versions().contains(sv)) {
                why = "the shadow version " + sv + " is killed";
            }
        }
        if (why == null) {
            return;
        }
        RouteResult<String> result = bound(m).route(r, "input");
        if (SHADOWED.contains(result.shadow())) {
            out.add(new Violation(Invariant.FORBIDDEN_DATA_NEVER_SHADOWED, r, result.decision(),
                    result.shadow(), why + ", but route(...) passed it to the shadow side ("
                            + result.shadow() + ")"));
        }
    }

    private RoutedModel<String, String> bound(ModelConfig m) {
        return bound.computeIfAbsent(m.name(), name -> {
            ModelBinding.Builder<String, String> b = ModelBinding.builder(name);
            for (String id : m.versions().keySet()) {
                b.version(id, input -> id);
            }
            return router.bind(b.build());
        });
    }

    /**
     * Routes many entities eligible for the canary and compares each candidate's share with its
     * weight.
     *
     * @param entities entities per model
     * @param sigmas tolerance in binomial standard deviations
     * @param seed varies the entity keys
     * @param out where violations go
     * @return the number of decisions made
     */
    public long shares(int entities, double sigmas, long seed, List<Violation> out) {
        RouterConfig config = router.config();
        long decided = 0;
        for (ModelConfig m : config.models().values()) {
            RouteRequest.Builder proto = eligible(m, config.globalKills());
            if (proto == null) {
                continue;
            }
            RouteRequest template = proto.build();
            TargetingRule rule = firstRule(m, template);
            Map<String, Integer> counts = new java.util.HashMap<>();
            for (int i = 0; i < entities; i++) {
                RouteRequest r = RouteRequest.builder(m.name(),
                        "share-" + Long.toHexString(seed) + "-" + i)
                        .tenant(template.tenant()).region(template.region())
                        .channel(template.channel()).product(template.product()).build();
                RouteDecision d = router.decide(r);
                counts.merge(String.valueOf(d.version()), 1, Integer::sum);
                decided++;
            }
            boolean killed = config.globalKills().all() || m.kills().all();
            for (VersionConfig v : m.candidates()) {
                if (v.budget().isPresent()) {
                    continue;
                }
                boolean serves = !killed && v.stage() == Stage.APPROVED
                        && !m.kills().versions().contains(v.id());
                int weight = !serves ? 0 : rule != null ? rule.weightBasisPoints(v.id())
                        : v.weightBasisPoints();
                compare(m, v.id(), weight, counts.getOrDefault(v.id(), 0), entities, sigmas,
                        template, out);
            }
        }
        return decided;
    }

    private static void compare(ModelConfig m, String version, int weightBp, int count, int n,
            double sigmas, RouteRequest template, List<Violation> out) {
        double p = weightBp / (double) Weights.BUCKETS;
        double expected = n * p;
        double sd = Math.sqrt(n * p * (1 - p));
        // A zero or full share must be exact; otherwise k standard deviations (at least one
        // entity, so tiny weights on small samples are not flaky).
        double tolerance = sd == 0 ? 0 : Math.max(1, sigmas * sd);
        if (Math.abs(count - expected) > tolerance) {
            out.add(new Violation(Invariant.SHARES_MATCH_WEIGHTS, template, null, null,
                    String.format(Locale.ROOT, "candidate %s of model %s served %d of %d "
                            + "eligible entities (%.2f%%), but its effective weight is %s%% "
                            + "(expected %.0f +/- %.0f at %.1f sigma)", version, m.name(), count,
                            n, 100.0 * count / n, Weights.percent(weightBp), expected,
                            tolerance, sigmas)));
        }
    }

    /**
     * @return a request template that no deny list, allow list or kill switch of tenants and
     *     channels stops, or null if every value an allow list permits is denied or killed
     */
    private static RouteRequest.@Nullable Builder eligible(ModelConfig m, KillSwitches global) {
        RouteRequest.Builder b = RouteRequest.builder(m.name(), "template");
        for (Dimension dim : Dimension.values()) {
            Set<String> allowed = m.allow().get(dim);
            if (allowed.isEmpty()) {
                continue;
            }
            String pick = null;
            for (String a : new java.util.TreeSet<>(allowed)) {
                if (!m.deny().contains(dim, a) && !killedValue(dim, a, m, global)) {
                    pick = a;
                    break;
                }
            }
            if (pick == null) {
                return null;
            }
            set(b, dim, pick);
        }
        return b;
    }

    private static boolean killedValue(Dimension dim, String value, ModelConfig m,
            KillSwitches global) {
        if (dim == Dimension.TENANT) {
            return global.tenants().contains(value) || m.kills().tenants().contains(value);
        }
        if (dim == Dimension.CHANNEL) {
            return global.channels().contains(value) || m.kills().channels().contains(value);
        }
        return false;
    }

    private static void set(RouteRequest.Builder b, Dimension dim, String value) {
        switch (dim) {
            case TENANT -> b.tenant(value);
            case REGION -> b.region(value);
            case CHANNEL -> b.channel(value);
            case PRODUCT -> b.product(value);
            default -> throw new IllegalStateException("unknown dimension " + dim);
        }
    }

    private static String noun(Dimension d) {
        return d.name().toLowerCase(Locale.ROOT);
    }
}
