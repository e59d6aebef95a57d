package dev.releaserouter.api.config;

import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How a model's candidate is shadowed (dark launch): which version, which share of entities
 * (decided by a stable hash independent of canary assignment), and what must never be shadowed.
 * Immutable.
 */
public final class ShadowConfig {

    private final @Nullable String version;
    private final int sampleBasisPoints;
    private final Set<String> forbiddenDataClasses;
    private final Segments deny;

    private ShadowConfig(@Nullable String version, int sampleBasisPoints,
            Set<String> forbiddenDataClasses, Segments deny) {
        this.version = version;
        this.sampleBasisPoints = sampleBasisPoints;
        this.forbiddenDataClasses = forbiddenDataClasses;
        this.deny = deny;
    }

    /**
     * @param version the version to shadow, or null for the model's first candidate
     * @param sampleBasisPoints share of entities shadowed, 0 to 10000 (1000 = 10%)
     * @param forbiddenDataClasses data classes that are never shadowed (e.g.
     *     {@code sovereign-br})
     * @param deny segments that are never shadowed
     * @return the configuration
     * @throws ConfigException if the sample is out of range or a data class is blank
     */
    public static ShadowConfig of(@Nullable String version, int sampleBasisPoints,
            Set<String> forbiddenDataClasses, Segments deny) {
        if (sampleBasisPoints < 0 || sampleBasisPoints > Weights.BUCKETS) {
            throw new ConfigException("/sample", Weights.percent(sampleBasisPoints),
                    "sample must be between 0 and 100 (percent)");
        }
        int i = 0;
        for (String c : forbiddenDataClasses) {
            if (c == null || c.isBlank()) {
                throw new ConfigException("/forbidden_data_classes/" + i, c,
                        "must be a non-blank string");
            }
            i++;
        }
        return new ShadowConfig(version, sampleBasisPoints, Set.copyOf(forbiddenDataClasses),
                Objects.requireNonNull(deny, "deny"));
    }

    /** @return the version to shadow, or null for the first candidate */
    public @Nullable String version() {
        return version;
    }

    /** @return share of entities shadowed, in basis points */
    public int sampleBasisPoints() {
        return sampleBasisPoints;
    }

    /** @return data classes never shadowed, immutable */
    public Set<String> forbiddenDataClasses() {
        return forbiddenDataClasses;
    }

    /** @return segments never shadowed */
    public Segments deny() {
        return deny;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof ShadowConfig)) {
            return false;
        }
        ShadowConfig s = (ShadowConfig) o;
        return Objects.equals(version, s.version) && sampleBasisPoints == s.sampleBasisPoints
                && forbiddenDataClasses.equals(s.forbiddenDataClasses) && deny.equals(s.deny);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, sampleBasisPoints, forbiddenDataClasses, deny);
    }

    @Override
    public String toString() {
        return "ShadowConfig{version=" + version + ", sample=" + Weights.percent(sampleBasisPoints)
                + "%, forbiddenDataClasses=" + forbiddenDataClasses + ", deny=" + deny + "}";
    }
}
