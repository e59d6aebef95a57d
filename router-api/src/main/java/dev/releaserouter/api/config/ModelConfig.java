package dev.releaserouter.api.config;

import dev.releaserouter.api.Stage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Everything the router knows about one model: its versions (one stable, any number of
 * candidates), the hashing salt, allow and deny lists, and kill switches. Immutable; validated
 * when built.
 *
 * <p>Candidates are laid out in declaration order; see {@code docs/assignment.md} for how weights
 * and reserves map to buckets.
 */
public final class ModelConfig {

    private final String name;
    private final String salt;
    private final String stableVersion;
    private final Map<String, VersionConfig> versions;
    private final Map<String, Integer> reserves;
    private final Segments deny;
    private final Segments allow;
    private final KillSwitches kills;
    private final @Nullable ShadowConfig shadow;
    private final List<TargetingRule> targeting;

    private ModelConfig(Builder b, Map<String, Integer> reserves) {
        this.name = b.name;
        this.salt = b.salt != null ? b.salt : b.name;
        this.stableVersion = Objects.requireNonNull(b.stableVersion);
        this.versions = Collections.unmodifiableMap(new LinkedHashMap<>(b.versions));
        this.reserves = Collections.unmodifiableMap(reserves);
        this.deny = b.deny;
        this.allow = b.allow;
        this.kills = b.kills;
        this.shadow = b.shadow;
        this.targeting = List.copyOf(b.targeting);
    }

    /**
     * @param name the model name requests use
     * @return a builder
     * @throws ConfigException if the name is blank
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** @return a builder pre-filled with this model's values */
    public Builder toBuilder() {
        Builder b = new Builder(name).salt(salt).stableVersion(stableVersion).deny(deny)
                .allow(allow).kills(kills).shadow(shadow).targeting(targeting);
        versions.values().forEach(b::version);
        return b;
    }

    /** @return the model name */
    public String name() {
        return name;
    }

    /** @return the experiment salt hashed with the entity key (defaults to the model name) */
    public String salt() {
        return salt;
    }

    /** @return the stable version id */
    public String stableVersion() {
        return stableVersion;
    }

    /** @return all versions by id, in declaration order, immutable */
    public Map<String, VersionConfig> versions() {
        return versions;
    }

    /**
     * @param id a version id
     * @return the version, or null if unknown
     */
    public @Nullable VersionConfig version(String id) {
        return versions.get(id);
    }

    /** @return the candidate versions (all but the stable one), in declaration order */
    public List<VersionConfig> candidates() {
        List<VersionConfig> list = new ArrayList<>();
        for (VersionConfig v : versions.values()) {
            if (!v.id().equals(stableVersion)) {
                list.add(v);
            }
        }
        return list;
    }

    /**
     * The slice of the bucket space a candidate may grow into, in basis points: its declared
     * reserve, or an equal share of what the declared reserves leave.
     *
     * @param candidate a candidate id
     * @return the effective reserve, or 0 for the stable version or an unknown id
     */
    public int effectiveReserveBasisPoints(String candidate) {
        return reserves.getOrDefault(candidate, 0);
    }

    /** @return the deny lists */
    public Segments deny() {
        return deny;
    }

    /** @return the allow lists (empty dimensions allow everything) */
    public Segments allow() {
        return allow;
    }

    /** @return the model's kill switches */
    public KillSwitches kills() {
        return kills;
    }

    /**
     * The targeting rules: weights per segment, evaluated in order, the first whose conditions
     * all hold deciding the weights for the request; when none matches, the versions' own
     * weights apply. Each rule's weights obey the same limits as the versions' weights (at most
     * 100% for the candidates, each within its candidate's reserve), so an entity keeps its
     * place in a candidate's zone in every segment ({@code docs/targeting.md}).
     *
     * @return the rules in evaluation order, immutable; empty when the model has none
     */
    public List<TargetingRule> targeting() {
        return targeting;
    }

    /**
     * @param id a rule id
     * @return the rule with that id, or null if the model has none
     */
    public @Nullable TargetingRule rule(String id) {
        for (TargetingRule r : targeting) {
            if (r.id().equals(id)) {
                return r;
            }
        }
        return null;
    }

    /** @return the shadow configuration, or null if the model is not shadowed */
    public @Nullable ShadowConfig shadow() {
        return shadow;
    }

    /**
     * The version the shadow configuration shadows: the named one, or the first candidate.
     *
     * @return the version id, or null if there is no shadow configuration or no candidate
     */
    public @Nullable String shadowVersion() {
        if (shadow == null) {
            return null;
        }
        if (shadow.version() != null) {
            return shadow.version();
        }
        List<VersionConfig> c = candidates();
        return c.isEmpty() ? null : c.get(0).id();
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof ModelConfig)) {
            return false;
        }
        ModelConfig m = (ModelConfig) o;
        // Declaration order matters (it lays out the buckets), so compare as lists.
        return name.equals(m.name) && salt.equals(m.salt) && stableVersion.equals(m.stableVersion)
                && new ArrayList<>(versions.values()).equals(new ArrayList<>(m.versions.values()))
                && deny.equals(m.deny) && allow.equals(m.allow) && kills.equals(m.kills)
                && Objects.equals(shadow, m.shadow) && targeting.equals(m.targeting);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, salt, stableVersion, versions, deny, allow, kills, shadow,
                targeting);
    }

    @Override
    public String toString() {
        return "ModelConfig{name=" + name + ", salt=" + salt + ", stable=" + stableVersion
                + ", versions=" + versions.values() + ", deny=" + deny + ", allow=" + allow
                + ", kills=" + kills + (shadow != null ? ", shadow=" + shadow : "")
                + (targeting.isEmpty() ? "" : ", targeting=" + targeting) + "}";
    }

    /** The router compiles a model's versions into byte-sized slots: stable plus these. */
    private static final int MAX_CANDIDATES = 126;

    /**
     * Most targeting rules per model: each costs the router about 50 KB of precompiled tables
     * (a bucket table and a decision cache of 10,000 entries).
     */
    public static final int MAX_RULES = 64;

    /** Builds a {@link ModelConfig}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private @Nullable String salt;
        private @Nullable String stableVersion;
        private final LinkedHashMap<String, VersionConfig> versions = new LinkedHashMap<>();
        private Segments deny = Segments.NONE;
        private Segments allow = Segments.NONE;
        private KillSwitches kills = KillSwitches.NONE;
        private @Nullable ShadowConfig shadow;
        private final List<TargetingRule> targeting = new ArrayList<>();

        private Builder(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new ConfigException("", name, "model name must be a non-blank string");
            }
            this.name = name;
        }

        /**
         * @param salt the experiment salt; changing it reshuffles every entity
         * @return this builder
         * @throws ConfigException if blank
         */
        public Builder salt(String salt) {
            if (salt.isBlank()) {
                throw new ConfigException("/salt", salt, "must be a non-blank string");
            }
            this.salt = salt;
            return this;
        }

        /**
         * @param id the stable version id; must be one of the versions and Approved
         * @return this builder
         */
        public Builder stableVersion(String id) {
            this.stableVersion = Objects.requireNonNull(id, "stableVersion");
            return this;
        }

        /**
         * Adds or replaces a version (replacing keeps its position).
         *
         * @param version the version
         * @return this builder
         */
        public Builder version(VersionConfig version) {
            versions.put(version.id(), version);
            return this;
        }

        /**
         * @param deny deny lists
         * @return this builder
         */
        public Builder deny(Segments deny) {
            this.deny = Objects.requireNonNull(deny, "deny");
            return this;
        }

        /**
         * @param allow allow lists
         * @return this builder
         */
        public Builder allow(Segments allow) {
            this.allow = Objects.requireNonNull(allow, "allow");
            return this;
        }

        /**
         * @param kills kill switches
         * @return this builder
         */
        public Builder kills(KillSwitches kills) {
            this.kills = Objects.requireNonNull(kills, "kills");
            return this;
        }

        /**
         * @param shadow the shadow configuration, or null for none
         * @return this builder
         */
        public Builder shadow(@Nullable ShadowConfig shadow) {
            this.shadow = shadow;
            return this;
        }

        /**
         * Appends a targeting rule (evaluated after those added before).
         *
         * @param rule the rule
         * @return this builder
         */
        public Builder rule(TargetingRule rule) {
            targeting.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /**
         * Replaces the targeting rules.
         *
         * @param rules the rules in evaluation order; empty for none
         * @return this builder
         */
        public Builder targeting(List<TargetingRule> rules) {
            List<TargetingRule> copy = List.copyOf(rules);
            targeting.clear();
            targeting.addAll(copy);
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the model
         * @throws ConfigException naming the field (a JSON pointer relative to the model) when the
         *     stable version is missing, unknown or not Approved, when candidate weights add up to
         *     more than 100%, when a weight exceeds its reserve, when a kill switch names an
         *     unknown version or the stable one, when the stable version has a budget, when
         *     there are more than 126 candidates, or when a targeting rule is invalid (more than
         *     {@value #MAX_RULES} rules, a duplicate id, a weight for an unknown version, candidate
         *     weights above 100%, a weight above its candidate's reserve, a stable weight that is
         *     not what the candidates leave; pointer {@code /targeting/<i>/...})
         */
        public ModelConfig build() {
            if (versions.isEmpty()) {
                throw new ConfigException("/versions", null, "a model needs at least one version");
            }
            if (stableVersion == null) {
                throw new ConfigException("/stable", null, "the stable version is required");
            }
            VersionConfig stable = versions.get(stableVersion);
            if (stable == null) {
                throw new ConfigException("/stable", stableVersion,
                        "the stable version must be one of " + versions.keySet());
            }
            String sp = "/versions/" + ConfigException.pointerToken(stableVersion);
            if (stable.stage() != Stage.APPROVED) {
                throw new ConfigException(sp + "/stage", stable.stage(),
                        "the stable version must be Approved");
            }
            if (stable.budget().isPresent()) {
                throw new ConfigException(sp + "/budget", stable.budget().get(),
                        "the stable version cannot have an exposure budget");
            }
            if (versions.size() - 1 > MAX_CANDIDATES) {
                throw new ConfigException("/versions", versions.size() + " versions",
                        "a model has at most " + MAX_CANDIDATES + " candidates besides its stable"
                                + " version");
            }
            int sum = 0;
            int declaredReserves = 0;
            int undeclared = 0;
            for (VersionConfig v : versions.values()) {
                if (v == stable) {
                    continue;
                }
                sum += v.weightBasisPoints();
                if (v.reserveBasisPoints().isPresent()) {
                    declaredReserves += v.reserveBasisPoints().getAsInt();
                } else {
                    undeclared++;
                }
            }
            if (sum > Weights.BUCKETS) {
                throw new ConfigException("/versions", Weights.percent(sum) + "%",
                        "candidate weights must add up to at most 100%");
            }
            int implied = Weights.BUCKETS - sum;
            if (stable.weightBasisPoints() != 0 && stable.weightBasisPoints() != implied) {
                throw new ConfigException(sp + "/weight",
                        Weights.percent(stable.weightBasisPoints()),
                        "the stable weight is what the candidates leave ("
                                + Weights.percent(implied) + "); omit it or make it match");
            }
            if (declaredReserves > Weights.BUCKETS) {
                throw new ConfigException("/versions", Weights.percent(declaredReserves) + "%",
                        "candidate reserves must add up to at most 100%");
            }
            Map<String, Integer> reserves = new LinkedHashMap<>();
            int left = Weights.BUCKETS - declaredReserves;
            int share = undeclared == 0 ? 0 : left / undeclared;
            int seen = 0;
            for (VersionConfig v : versions.values()) {
                if (v == stable) {
                    continue;
                }
                int r;
                if (v.reserveBasisPoints().isPresent()) {
                    r = v.reserveBasisPoints().getAsInt();
                } else {
                    seen++;
                    // The last undeclared candidate takes the rounding remainder.
                    r = seen == undeclared ? left - share * (undeclared - 1) : share;
                }
                if (v.weightBasisPoints() > r) {
                    throw new ConfigException(
                            "/versions/" + ConfigException.pointerToken(v.id()) + "/weight",
                            Weights.percent(v.weightBasisPoints()),
                            "weight exceeds the candidate's reserve of " + Weights.percent(r)
                                    + "% (declare a larger reserve)");
                }
                reserves.put(v.id(), r);
            }
            int i = 0;
            for (String killed : kills.versions()) {
                if (!versions.containsKey(killed)) {
                    throw new ConfigException("/kill/versions/" + i, killed,
                            "unknown version; known: " + versions.keySet());
                }
                if (killed.equals(stableVersion)) {
                    throw new ConfigException("/kill/versions/" + i, killed,
                            "the stable version cannot be killed; kill the candidates instead");
                }
                i++;
            }
            if (shadow != null && shadow.version() != null) {
                if (!versions.containsKey(shadow.version())) {
                    throw new ConfigException("/shadow/version", shadow.version(),
                            "unknown version; known: " + versions.keySet());
                }
                if (shadow.version().equals(stableVersion)) {
                    throw new ConfigException("/shadow/version", shadow.version(),
                            "the stable version cannot shadow itself");
                }
            }
            checkTargeting(stable, reserves);
            return new ModelConfig(this, reserves);
        }

        private void checkTargeting(VersionConfig stable, Map<String, Integer> reserves) {
            if (targeting.size() > MAX_RULES) {
                throw new ConfigException("/targeting", targeting.size() + " rules",
                        "a model has at most " + MAX_RULES + " targeting rules");
            }
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < targeting.size(); i++) {
                TargetingRule rule = targeting.get(i);
                String rp = "/targeting/" + i;
                if (!ids.add(rule.id())) {
                    throw new ConfigException(rp + "/id", rule.id(),
                            "duplicate rule id; each rule of a model needs its own");
                }
                int sum = 0;
                for (Map.Entry<String, Integer> w : rule.weightsBasisPoints().entrySet()) {
                    String wp = rp + "/weights/" + ConfigException.pointerToken(w.getKey());
                    if (!versions.containsKey(w.getKey())) {
                        throw new ConfigException(wp, w.getKey(),
                                "unknown version; known: " + versions.keySet());
                    }
                    if (w.getKey().equals(stable.id())) {
                        continue;
                    }
                    int r = reserves.get(w.getKey());
                    if (w.getValue() > r) {
                        throw new ConfigException(wp, Weights.percent(w.getValue()),
                                "weight exceeds the candidate's reserve of " + Weights.percent(r)
                                        + "% (declare a larger reserve on the version)");
                    }
                    sum += w.getValue();
                }
                if (sum > Weights.BUCKETS) {
                    throw new ConfigException(rp + "/weights", Weights.percent(sum) + "%",
                            "candidate weights must add up to at most 100%");
                }
                Integer stableWeight = rule.weightsBasisPoints().get(stable.id());
                // As for the versions' own weights, 0 stands for "left out".
                if (stableWeight != null && stableWeight != 0
                        && stableWeight != Weights.BUCKETS - sum) {
                    throw new ConfigException(rp + "/weights/"
                            + ConfigException.pointerToken(stable.id()),
                            Weights.percent(stableWeight), "weights must add up to 100%: the "
                                    + "stable weight is what the candidates leave ("
                                    + Weights.percent(Weights.BUCKETS - sum)
                                    + "); omit it or make it match");
                }
            }
        }
    }
}
