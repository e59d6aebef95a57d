package dev.releaserouter.core;

import dev.releaserouter.api.Reason;
import dev.releaserouter.api.Role;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.Condition;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.KillSwitches;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.ShadowConfig;
import dev.releaserouter.api.config.TargetingRule;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.config.Weights;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.core.budget.internal.BudgetAccounts;
import dev.releaserouter.core.budget.internal.CompiledBudget;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;

/**
 * One model compiled for the hot path: every set, table and constant decision computed at load
 * time, so that {@link #decide} does set lookups, one hash and one array read.
 *
 * <p>Design: immutable except for the decision caches of each weights {@link Table} (the
 * model's own and one per targeting rule; {@code decisions}, {@code exhausted}), allocated at
 * compile time and filled lazily and racily. That race is benign: a {@link RouteDecision} has
 * only final fields, so any thread that reads a non-null element sees a fully built object, and
 * two threads that both miss just build equal decisions. Steady state allocates nothing: a
 * targeting rule is matched by set lookups and string comparisons on the request's own strings
 * ({@link Condition#test}).
 */
final class CompiledModel {

    /** What a bucket maps to. */
    private static final int SERVE = 0;
    private static final int KILLED = 1;
    private static final int NOT_APPROVED = 2;

    final String name;
    final String stable;
    private final long revision;
    private final Bucketing bucketing;
    private final String[] slotVersion;
    private final int[] slotStatus;
    private final @Nullable CompiledBudget[] slotBudget;
    /** The model's own weights: what applies when no targeting rule matches. */
    private final Table defaults;
    /** The targeting rules in evaluation order, or null when the model has none. */
    private final Table @Nullable [] rules;
    private final @Nullable AtomicLong valueTotal;

    private final boolean killed;
    private final StringTable killedTenants;
    private final StringTable killedChannels;
    private final @Nullable RouteDecision modelLevelBlock;
    private final @Nullable StringTable denyTenants;
    private final @Nullable StringTable denyRegions;
    private final @Nullable StringTable denyChannels;
    private final @Nullable StringTable denyProducts;
    private final @Nullable StringTable allowTenants;
    private final @Nullable StringTable allowRegions;
    private final @Nullable StringTable allowChannels;
    private final @Nullable StringTable allowProducts;

    /** Shadow: the version, or null when the model is not shadowed. */
    final @Nullable String shadowVersion;
    /** Shadow: a disposition that holds for every request, or null if it depends on it. */
    private final @Nullable ShadowDisposition shadowFixed;
    private final int shadowSample;
    private final @Nullable Bucketing shadowBucketing;
    private final Set<String> shadowForbidden;
    private final @Nullable StringTable shadowDenyTenants;
    private final @Nullable StringTable shadowDenyRegions;
    private final @Nullable StringTable shadowDenyChannels;
    private final @Nullable StringTable shadowDenyProducts;

    private final RouteDecision killDecision;
    private final RouteDecision deniedDecision;
    private final RouteDecision notAllowedDecision;
    final RouteDecision internalErrorDecision;

    CompiledModel(ModelConfig m, KillSwitches global, byte[] secret, long revision,
            BudgetAccounts ledger, Clock clock) {
        this.name = m.name();
        this.stable = m.stableVersion();
        this.revision = revision;
        this.bucketing = Bucketing.of(secret, m.salt());

        List<VersionConfig> candidates = m.candidates();
        int slots = candidates.size() + 1;
        if (slots > Byte.MAX_VALUE) {
            throw new IllegalArgumentException("at most 126 candidates per model");
        }
        slotVersion = new String[slots];
        slotStatus = new int[slots];
        slotBudget = new CompiledBudget[slots];
        slotVersion[0] = stable;
        Set<String> killedVersions = m.kills().versions();
        boolean anyWeighted = false;
        boolean allWeightedKilled = true;
        boolean allWeightedBlocked = true;
        AtomicLong total = null;
        for (int i = 0; i < candidates.size(); i++) {
            VersionConfig v = candidates.get(i);
            int slot = i + 1;
            slotVersion[slot] = v.id();
            boolean isKilled = killedVersions.contains(v.id());
            boolean servable = v.stage().servable();
            slotStatus[slot] = isKilled ? KILLED : servable ? SERVE : NOT_APPROVED;
            if (v.budget().isPresent()) {
                CompiledBudget b = ledger.compile(name, v.id(), v.budget().get(), clock);
                slotBudget[slot] = b;
                if (b.tracksValue()) {
                    total = ledger.modelValueTotal(name);
                }
            }
            // Weighted here or in any segment: what the model-level blocks below look at.
            boolean weighted = v.weightBasisPoints() > 0;
            for (TargetingRule rule : m.targeting()) {
                weighted |= rule.weightBasisPoints(v.id()) > 0;
            }
            if (weighted) {
                anyWeighted = true;
                allWeightedKilled &= isKilled;
                allWeightedBlocked &= isKilled || !servable;
            }
        }
        this.valueTotal = total;
        boolean budgets = hasBudget();
        this.defaults = new Table(null, new Condition[0],
                layout(m, candidates, VersionConfig::weightBasisPoints), budgets);
        List<TargetingRule> targeting = m.targeting();
        if (targeting.isEmpty()) {
            this.rules = null;
        } else {
            this.rules = new Table[targeting.size()];
            for (int i = 0; i < rules.length; i++) {
                TargetingRule rule = targeting.get(i);
                rules[i] = new Table(rule.id(), rule.conditions().toArray(new Condition[0]),
                        layout(m, candidates, v -> rule.weightBasisPoints(v.id())), budgets);
            }
        }

        this.killed = m.kills().all() || global.all();
        this.killedTenants = StringTable.of(Overrides.union(m.kills().tenants(), global.tenants()));
        this.killedChannels =
                StringTable.of(Overrides.union(m.kills().channels(), global.channels()));
        this.killDecision = unbucketedStable(Reason.KILL_SWITCH);
        this.deniedDecision = unbucketedStable(Reason.DENIED_SEGMENT);
        this.notAllowedDecision = unbucketedStable(Reason.NOT_IN_ALLOWED_SEGMENT);
        this.internalErrorDecision = unbucketedStable(Reason.INTERNAL_ERROR);
        if (anyWeighted && allWeightedKilled) {
            modelLevelBlock = killDecision;
        } else if (anyWeighted && allWeightedBlocked) {
            modelLevelBlock =
                    unbucketedStable(Reason.VERSION_NOT_APPROVED);
        } else {
            modelLevelBlock = null;
        }
        denyTenants = orNull(m.deny().get(Dimension.TENANT));
        denyRegions = orNull(m.deny().get(Dimension.REGION));
        denyChannels = orNull(m.deny().get(Dimension.CHANNEL));
        denyProducts = orNull(m.deny().get(Dimension.PRODUCT));
        allowTenants = orNull(m.allow().get(Dimension.TENANT));
        allowRegions = orNull(m.allow().get(Dimension.REGION));
        allowChannels = orNull(m.allow().get(Dimension.CHANNEL));
        allowProducts = orNull(m.allow().get(Dimension.PRODUCT));

        ShadowConfig sc = m.shadow();
        shadowVersion = m.shadowVersion();
        if (sc == null || shadowVersion == null || sc.sampleBasisPoints() == 0) {
            shadowFixed = ShadowDisposition.NOT_CONFIGURED;
        } else if (killed || killedVersions.contains(shadowVersion)) {
            shadowFixed = ShadowDisposition.KILL_SWITCH;
        } else if (!shadowable(m.version(shadowVersion).stage())) {
            shadowFixed = ShadowDisposition.VERSION_NOT_ELIGIBLE;
        } else {
            shadowFixed = null;
        }
        shadowSample = sc == null ? 0 : sc.sampleBasisPoints();
        // Its own salt, so being shadowed is independent of the canary assignment.
        shadowBucketing = sc == null ? null : Bucketing.of(secret, m.salt() + "#shadow");
        shadowForbidden = sc == null ? Set.of() : sc.forbiddenDataClasses();
        shadowDenyTenants = sc == null ? null : orNull(sc.deny().get(Dimension.TENANT));
        shadowDenyRegions = sc == null ? null : orNull(sc.deny().get(Dimension.REGION));
        shadowDenyChannels = sc == null ? null : orNull(sc.deny().get(Dimension.CHANNEL));
        shadowDenyProducts = sc == null ? null : orNull(sc.deny().get(Dimension.PRODUCT));
    }

    /** Shadowing is allowed for Approved and Staging versions, never Candidate or Revoked. */
    private static boolean shadowable(Stage stage) {
        return stage == Stage.APPROVED || stage == Stage.STAGING;
    }

    /**
     * Whether a request served by {@code servedVersion} may be shadowed. Order: configuration,
     * kill switches, stage, served by the shadow version itself, forbidden data, shadow deny
     * lists, sample.
     *
     * @return {@link ShadowDisposition#SCHEDULED} when eligible (the caller then schedules it),
     *     else the reason it is not
     */
    ShadowDisposition shadowEligibility(RouteRequest r, String servedVersion) {
        if (shadowFixed != null) {
            return shadowFixed;
        }
        if (isIn(killedTenants, r.tenant()) || isIn(killedChannels, r.channel())) {
            return ShadowDisposition.KILL_SWITCH;
        }
        if (servedVersion.equals(shadowVersion)) {
            return ShadowDisposition.SERVED_BY_CANDIDATE;
        }
        if (!shadowForbidden.isEmpty() && !r.dataClasses().isEmpty()) {
            for (String c : r.dataClasses()) {
                if (shadowForbidden.contains(c)) {
                    return ShadowDisposition.FORBIDDEN_DATA;
                }
            }
        }
        if (denied(shadowDenyTenants, r.tenant()) || denied(shadowDenyRegions, r.region())
                || denied(shadowDenyChannels, r.channel())
                || denied(shadowDenyProducts, r.product())) {
            return ShadowDisposition.DENIED_SEGMENT;
        }
        if (shadowBucketing.bucket(r.entityKey()) >= shadowSample) {
            return ShadowDisposition.NOT_SAMPLED;
        }
        return ShadowDisposition.SCHEDULED;
    }

    /**
     * The bucket table of one set of weights. A candidate owns [start, start + reserve) and
     * serves its first 'weight' buckets, so raising one weight only takes buckets from stable,
     * and an entity in a candidate's range under some weights is in it under every larger weight
     * of any segment (docs/assignment.md, docs/targeting.md).
     */
    private static byte[] layout(ModelConfig m, List<VersionConfig> candidates,
            ToIntFunction<VersionConfig> weightOf) {
        byte[] slotOfBucket = new byte[Weights.BUCKETS];
        int start = 0;
        for (int i = 0; i < candidates.size(); i++) {
            VersionConfig v = candidates.get(i);
            int weight = weightOf.applyAsInt(v);
            for (int b = start; b < start + weight; b++) {
                slotOfBucket[b] = (byte) (i + 1);
            }
            start += m.effectiveReserveBasisPoints(v.id());
        }
        return slotOfBucket;
    }

    /**
     * One set of weights compiled: the model's own, or a targeting rule's with its conditions.
     * Immutable except for the racy decision caches (see the class comment).
     */
    private static final class Table {
        /** The rule's id, or null for the model's own weights. */
        final @Nullable String rule;
        final Condition[] conditions;
        /** Per condition: which request field it reads (a Dimension's ordinal, or ATTRIBUTE). */
        final int[] fields;
        /**
         * Per condition: for {@code in} and {@code not_in}, its values as a {@link StringTable}
         * (flat whatever the list's size, like deny lists); null for the other operators, which
         * {@link Condition#test} evaluates.
         */
        final @Nullable StringTable[] sets;
        final byte[] slotOfBucket;
        final RouteDecision[] decisions = new RouteDecision[Weights.BUCKETS];
        final RouteDecision @Nullable [] exhausted;

        Table(@Nullable String rule, Condition[] conditions, byte[] slotOfBucket,
                boolean budgets) {
            this.rule = rule;
            this.conditions = conditions;
            this.fields = new int[conditions.length];
            this.sets = new StringTable[conditions.length];
            for (int i = 0; i < conditions.length; i++) {
                Condition c = conditions[i];
                Dimension d = c.dimension();
                fields[i] = d == null ? ATTRIBUTE : d.ordinal();
                if (c.operator() == Condition.Operator.IN
                        || c.operator() == Condition.Operator.NOT_IN) {
                    sets[i] = StringTable.of(c.values());
                }
            }
            this.slotOfBucket = slotOfBucket;
            this.exhausted = budgets ? new RouteDecision[Weights.BUCKETS] : null;
        }

        /** Whether every condition holds; allocation-free. */
        boolean matches(@Nullable String tenant, @Nullable String region,
                @Nullable String channel, @Nullable String product,
                Map<String, String> attributes) {
            for (int i = 0; i < conditions.length; i++) {
                Condition c = conditions[i];
                String value;
                switch (fields[i]) {
                    case TENANT:
                        value = tenant;
                        break;
                    case REGION:
                        value = region;
                        break;
                    case CHANNEL:
                        value = channel;
                        break;
                    case PRODUCT:
                        value = product;
                        break;
                    default:
                        value = attributes.get(c.attribute());
                }
                StringTable set = sets[i];
                boolean holds = set == null ? c.test(value)
                        : set.contains(value) == (c.operator() == Condition.Operator.IN);
                if (!holds) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final int TENANT = 0;
    private static final int REGION = 1;
    private static final int CHANNEL = 2;
    private static final int PRODUCT = 3;
    private static final int ATTRIBUTE = -1;

    /** The first rule whose conditions hold, or the model's own weights. */
    private Table weightsFor(Table[] rules, @Nullable String tenant, @Nullable String region,
            @Nullable String channel, @Nullable String product, Map<String, String> attributes) {
        for (Table t : rules) {
            if (t.matches(tenant, region, channel, product, attributes)) {
                return t;
            }
        }
        return defaults;
    }

    private boolean hasBudget() {
        for (CompiledBudget b : slotBudget) {
            if (b != null) {
                return true;
            }
        }
        return false;
    }

    private static @Nullable StringTable orNull(Set<String> s) {
        return s.isEmpty() ? null : StringTable.of(s);
    }

    private RouteDecision unbucketedStable(Reason reason) {
        return RouteDecision.withoutBucket(stable, Role.STABLE, reason, revision);
    }

    private RouteDecision stableDecision(Reason reason, int bucket, @Nullable String rule) {
        return RouteDecision.of(stable, Role.STABLE, reason, bucket, revision, rule);
    }

    /** The hot path on a request. Order documented in docs/decisions.md. */
    RouteDecision decide(RouteRequest r) {
        return decide(r.entityKey(), r.tenant(), r.region(), r.channel(), r.product(),
                r.attributes(), r.monetaryValueOr(Double.NaN));
    }

    /**
     * The hot path on the request's fields: the router's {@code decide} unpacks the request in a
     * method small enough to be inlined into the caller, and this method never sees the request
     * object, so the JIT's escape analysis can do without it (a request built for the call is
     * then never allocated; {@code DecideAllocationTest} guards it).
     *
     * <p>This method must stay larger than 325 bytecodes, HotSpot C2's limit for inlining a hot
     * method ({@code -XX:FreqInlineSize}): inlined into {@code DefaultRouter.decide}, it would
     * make that method's compiled code too big to be inlined into the caller in turn
     * ({@code -XX:InlineSmallCode}), and the request would escape into it. That is why the
     * segment checks are written out here rather than in small helpers.
     *
     * @param attributes the request's free attributes (read by targeting rules only)
     * @param monetaryValue the request's monetary value, or NaN if it has none
     */
    RouteDecision decide(String entityKey, @Nullable String tenant, @Nullable String region,
            @Nullable String channel, @Nullable String product, Map<String, String> attributes,
            double monetaryValue) {
        if (valueTotal != null) {
            CompiledBudget.addToModelTotal(valueTotal, monetaryValue);
        }
        if (killed || killedTenants.contains(tenant)
                || killedChannels.contains(channel)) {
            return killDecision;
        }
        if (modelLevelBlock != null) {
            return modelLevelBlock;
        }
        if (denyTenants != null && tenant != null && denyTenants.contains(tenant)
                || denyRegions != null && region != null && denyRegions.contains(region)
                || denyChannels != null && channel != null && denyChannels.contains(channel)
                || denyProducts != null && product != null && denyProducts.contains(product)) {
            return deniedDecision;
        }
        if (notAllowed(allowTenants, tenant) || notAllowed(allowRegions, region)
                || notAllowed(allowChannels, channel) || notAllowed(allowProducts, product)) {
            return notAllowedDecision;
        }
        int bucket = bucketing.bucket(entityKey);
        // Targeting: the first matching rule's weights, after every rule that decides without
        // them (kill, stage, deny, allow) and before the budget, which still applies.
        Table[] targeting = rules;
        Table t = targeting == null ? defaults
                : weightsFor(targeting, tenant, region, channel, product, attributes);
        int slot = t.slotOfBucket[bucket];
        RouteDecision d = t.decisions[bucket];
        if (d == null) {
            d = bucketDecision(slot, bucket, t.rule);
            t.decisions[bucket] = d;
        }
        CompiledBudget budget = slotBudget[slot];
        if (budget != null && slotStatus[slot] == SERVE && !budget.tryAcquire(monetaryValue)) {
            RouteDecision e = t.exhausted[bucket];
            if (e == null) {
                e = stableDecision(Reason.BUDGET_EXHAUSTED, bucket, t.rule);
                t.exhausted[bucket] = e;
            }
            return e;
        }
        return d;
    }

    private RouteDecision bucketDecision(int slot, int bucket, @Nullable String rule) {
        if (slot == 0) {
            return stableDecision(Reason.STABLE_BUCKET, bucket, rule);
        }
        switch (slotStatus[slot]) {
            case KILLED:
                return stableDecision(Reason.KILL_SWITCH, bucket, rule);
            case NOT_APPROVED:
                return stableDecision(Reason.VERSION_NOT_APPROVED, bucket, rule);
            default:
                return RouteDecision.of(slotVersion[slot], Role.CANDIDATE, Reason.CANARY_BUCKET,
                        bucket, revision, rule);
        }
    }

    private static boolean isIn(StringTable set, @Nullable String value) {
        return set.contains(value);
    }

    private static boolean denied(@Nullable StringTable set, @Nullable String value) {
        return set != null && value != null && set.contains(value);
    }

    private static boolean notAllowed(@Nullable StringTable set, @Nullable String value) {
        return set != null && (value == null || !set.contains(value));
    }

}
