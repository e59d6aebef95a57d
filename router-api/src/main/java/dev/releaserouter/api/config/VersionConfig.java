package dev.releaserouter.api.config;

import dev.releaserouter.api.Stage;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * One version of a model: its id, registry stage, artifact digest, traffic weight, bucket reserve
 * and exposure budget. Immutable.
 *
 * <p>The weight of the stable version is implied (what the candidates leave); a candidate's weight
 * is in basis points (500 = 5%). The reserve is the slice of the bucket space the candidate may
 * grow into; see {@code docs/assignment.md}.
 */
public final class VersionConfig {

    /** Internal encoding of "no declared reserve"; {@link #reserveBasisPoints()} is empty. */
    private static final int DEFAULT_RESERVE = -1;

    private final String id;
    private final Stage stage;
    private final @Nullable String artifactDigest;
    private final int weightBasisPoints;
    private final int reserveBasisPoints;
    private final @Nullable ExposureBudget budget;

    private VersionConfig(Builder b) {
        this.id = b.id;
        this.stage = b.stage;
        this.artifactDigest = b.artifactDigest;
        this.weightBasisPoints = b.weightBasisPoints;
        this.reserveBasisPoints = b.reserveBasisPoints;
        this.budget = b.budget;
    }

    /**
     * @param id the version id, e.g. {@code v2}
     * @return a builder with stage {@link Stage#APPROVED}, weight 0 and no budget
     * @throws ConfigException if the id is blank
     */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** @return a builder pre-filled with this version's values */
    public Builder toBuilder() {
        Builder b = new Builder(id).stage(stage).weightBasisPoints(weightBasisPoints)
                .budget(budget).artifactDigest(artifactDigest);
        b.reserveBasisPoints = reserveBasisPoints; // may be DEFAULT_RESERVE
        return b;
    }

    /** @return the version id */
    public String id() {
        return id;
    }

    /** @return the registry stage */
    public Stage stage() {
        return stage;
    }

    /** @return the artifact digest (e.g. {@code sha256:...}), or null if not declared */
    public @Nullable String artifactDigest() {
        return artifactDigest;
    }

    /** @return the declared weight in basis points (0 for a stable version left implicit) */
    public int weightBasisPoints() {
        return weightBasisPoints;
    }

    /**
     * @return the declared reserve in basis points, or empty when none is declared (the reserve
     *     is then derived from the number of candidates, see {@code docs/assignment.md})
     */
    public OptionalInt reserveBasisPoints() {
        return reserveBasisPoints == DEFAULT_RESERVE ? OptionalInt.empty()
                : OptionalInt.of(reserveBasisPoints);
    }

    /** @return the exposure budget, or empty if the version's exposure is unlimited */
    public Optional<ExposureBudget> budget() {
        return Optional.ofNullable(budget);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof VersionConfig)) {
            return false;
        }
        VersionConfig v = (VersionConfig) o;
        return id.equals(v.id) && stage == v.stage
                && Objects.equals(artifactDigest, v.artifactDigest)
                && weightBasisPoints == v.weightBasisPoints
                && reserveBasisPoints == v.reserveBasisPoints && Objects.equals(budget, v.budget);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, stage, artifactDigest, weightBasisPoints, reserveBasisPoints,
                budget);
    }

    @Override
    public String toString() {
        return "VersionConfig{id=" + id + ", stage=" + stage + ", weight="
                + Weights.percent(weightBasisPoints) + "%"
                + (reserveBasisPoints != DEFAULT_RESERVE
                        ? ", reserve=" + Weights.percent(reserveBasisPoints) + "%" : "")
                + (artifactDigest != null ? ", artifactDigest=" + artifactDigest : "")
                + (budget != null ? ", budget=" + budget : "") + "}";
    }

    /** Builds a {@link VersionConfig}. Not thread-safe. */
    public static final class Builder {
        private final String id;
        private Stage stage = Stage.APPROVED;
        private @Nullable String artifactDigest;
        private int weightBasisPoints;
        private int reserveBasisPoints = DEFAULT_RESERVE;
        private @Nullable ExposureBudget budget;

        private Builder(String id) {
            Objects.requireNonNull(id, "id");
            if (id.isBlank()) {
                throw new ConfigException("", id, "version id must be a non-blank string");
            }
            this.id = id;
        }

        /**
         * @param stage the registry stage
         * @return this builder
         */
        public Builder stage(Stage stage) {
            this.stage = Objects.requireNonNull(stage, "stage");
            return this;
        }

        /**
         * @param digest e.g. {@code sha256:abc...}, or null
         * @return this builder
         */
        public Builder artifactDigest(@Nullable String digest) {
            this.artifactDigest = digest;
            return this;
        }

        /**
         * @param percent the weight in percent, at most two decimals
         * @return this builder
         * @throws ConfigException if outside [0, 100] or with more than two decimals
         */
        public Builder weightPercent(double percent) {
            try {
                return weightBasisPoints(Weights.basisPoints(percent));
            } catch (ConfigException e) {
                throw e.locatedIn(null, "/weight");
            }
        }

        /**
         * @param basisPoints the weight in basis points, 0 to 10000
         * @return this builder
         * @throws ConfigException if outside [0, 10000]
         */
        public Builder weightBasisPoints(int basisPoints) {
            if (basisPoints < 0 || basisPoints > Weights.BUCKETS) {
                throw new ConfigException("/weight", Weights.percent(basisPoints),
                        "weight must be between 0 and 100 (percent)");
            }
            this.weightBasisPoints = basisPoints;
            return this;
        }

        /**
         * @param percent the reserve in percent, at most two decimals
         * @return this builder
         * @throws ConfigException if outside [0, 100] or with more than two decimals
         */
        public Builder reservePercent(double percent) {
            try {
                this.reserveBasisPoints = Weights.basisPoints(percent);
                return this;
            } catch (ConfigException e) {
                throw e.locatedIn(null, "/reserve");
            }
        }

        /**
         * @param basisPoints the reserve in basis points, 0 to 10000
         * @return this builder
         * @throws ConfigException if outside [0, 10000]
         */
        public Builder reserveBasisPoints(int basisPoints) {
            if (basisPoints < 0 || basisPoints > Weights.BUCKETS) {
                throw new ConfigException("/reserve", Weights.percent(basisPoints),
                        "reserve must be between 0 and 100 (percent)");
            }
            this.reserveBasisPoints = basisPoints;
            return this;
        }

        /**
         * @param budget the exposure budget, or null for none
         * @return this builder
         */
        public Builder budget(@Nullable ExposureBudget budget) {
            this.budget = budget;
            return this;
        }

        /** @return the version */
        public VersionConfig build() {
            return new VersionConfig(this);
        }
    }
}
