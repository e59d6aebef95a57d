package dev.releaserouter.api.config;

import dev.releaserouter.api.RouteRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Weights for one segment of a model's traffic: when every condition holds for a request, the
 * rule's weights replace the model's version weights for that request. A model's rules are
 * evaluated in order and the first that matches wins; with none matching, the model's own
 * weights apply (see {@link ModelConfig#targeting()} and {@code docs/targeting.md}).
 *
 * <p>Example: {@code TargetingRule.builder("retail-br").when(Condition.in("tenant",
 * "retail-br")).weightPercent("v2", 5).build()}. Candidates the rule does not name get 0% in its
 * segment; the stable version gets what the candidates leave. Kill switches, stages, deny and
 * allow lists and exposure budgets still apply before and after a rule, as to the model's
 * weights.
 *
 * <p>Immutable and thread-safe. Versions are checked against the model when the model is built.
 */
public final class TargetingRule {

    private final String id;
    private final List<Condition> conditions;
    private final Map<String, Integer> weights;

    private TargetingRule(Builder b) {
        this.id = b.id;
        this.conditions = List.copyOf(b.conditions);
        this.weights = Collections.unmodifiableMap(new LinkedHashMap<>(b.weights));
    }

    /**
     * @param id the rule's id: non-blank, unique within its model; decisions made with the rule's
     *     weights carry it ({@code RouteDecision.rule()})
     * @return a builder
     * @throws ConfigException if the id is blank
     * @throws NullPointerException if the id is null
     */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** @return a builder pre-filled with this rule's values */
    public Builder toBuilder() {
        Builder b = new Builder(id);
        conditions.forEach(b::when);
        weights.forEach(b::weightBasisPoints);
        return b;
    }

    /** @return the rule's id */
    public String id() {
        return id;
    }

    /** @return the conditions, all of which must hold; never empty, immutable */
    public List<Condition> conditions() {
        return conditions;
    }

    /**
     * @return the weights the rule gives, in basis points by version id, in the order given;
     *     immutable. Versions not listed get 0 (the stable version: what the candidates leave)
     */
    public Map<String, Integer> weightsBasisPoints() {
        return weights;
    }

    /**
     * @param version a version id
     * @return the weight the rule gives it in basis points, 0 if it does not list it
     */
    public int weightBasisPoints(String version) {
        return weights.getOrDefault(version, 0);
    }

    /**
     * Whether every condition holds for a request; allocation-free.
     *
     * @param request the request
     * @return true if the rule applies to the request
     */
    public boolean matches(RouteRequest request) {
        for (int i = 0; i < conditions.size(); i++) { // no iterator
            if (!conditions.get(i).matches(request)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A copy with one version's weight replaced (what {@code RouterAdmin.setRuleWeight} does).
     *
     * @param version a version id
     * @param basisPoints 0 to 10000
     * @return the new rule
     * @throws ConfigException if the weight is out of range
     */
    public TargetingRule withWeight(String version, int basisPoints) {
        return toBuilder().weightBasisPoints(version, basisPoints).build();
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof TargetingRule)) {
            return false;
        }
        TargetingRule r = (TargetingRule) o;
        return id.equals(r.id) && conditions.equals(r.conditions) && weights.equals(r.weights);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, conditions, weights);
    }

    @Override
    public String toString() {
        Map<String, String> percent = new LinkedHashMap<>();
        weights.forEach((v, bp) -> percent.put(v, Weights.percent(bp) + "%"));
        return "TargetingRule{id=" + id + ", when=" + conditions + ", weights=" + percent + "}";
    }

    /** Builds a {@link TargetingRule}. Not thread-safe. */
    public static final class Builder {
        private final String id;
        private final List<Condition> conditions = new ArrayList<>();
        private final LinkedHashMap<String, Integer> weights = new LinkedHashMap<>();

        private Builder(String id) {
            Objects.requireNonNull(id, "id");
            if (id.isBlank()) {
                throw new ConfigException("/id", id, "a rule id must be a non-blank string");
            }
            this.id = id;
        }

        /**
         * Adds a condition; a request matches when all hold.
         *
         * @param condition the condition
         * @return this builder
         */
        public Builder when(Condition condition) {
            conditions.add(Objects.requireNonNull(condition, "condition"));
            return this;
        }

        /**
         * @param version a version id of the model
         * @param percent the weight in percent, at most two decimals
         * @return this builder
         * @throws ConfigException if outside [0, 100] or with more than two decimals (pointer
         *     {@code /weights/<version>})
         */
        public Builder weightPercent(String version, double percent) {
            try {
                return weightBasisPoints(version, Weights.basisPoints(percent));
            } catch (ConfigException e) {
                throw e.locatedIn(null, "/weights/" + ConfigException.pointerToken(version));
            }
        }

        /**
         * Sets (or replaces) a version's weight in this rule's segment.
         *
         * @param version a version id of the model
         * @param basisPoints 0 to 10000 (500 = 5%)
         * @return this builder
         * @throws ConfigException if outside [0, 10000] (pointer {@code /weights/<version>})
         */
        public Builder weightBasisPoints(String version, int basisPoints) {
            Objects.requireNonNull(version, "version");
            if (basisPoints < 0 || basisPoints > Weights.BUCKETS) {
                throw new ConfigException("/weights/" + ConfigException.pointerToken(version),
                        Weights.percent(basisPoints), "weight must be between 0 and 100 (percent)");
            }
            weights.put(version, basisPoints);
            return this;
        }

        /**
         * @return the rule
         * @throws ConfigException if it has no condition (pointer {@code /when}); a rule that
         *     matches everything would hide the model's own weights and every later rule
         */
        public TargetingRule build() {
            if (conditions.isEmpty()) {
                throw new ConfigException("/when", null, "a rule needs at least one condition"
                        + " (the model's own weights apply to requests no rule matches)");
            }
            return new TargetingRule(this);
        }
    }
}
