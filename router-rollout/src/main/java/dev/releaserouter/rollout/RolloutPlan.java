package dev.releaserouter.rollout;

import dev.releaserouter.rollout.gates.ExternalMetricSource;
import dev.releaserouter.rollout.gates.ExternalMetrics;
import dev.releaserouter.rollout.gates.Policy;
import dev.releaserouter.rollout.measure.SnapshotGateInput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a rollout does: which model and versions, the stages (candidate weight in basis points),
 * how long each checkpoint lasts, how many samples per arm a checkpoint needs, and the policy that
 * judges it; and the chain around the stages (seed 000 §3.1-3.2, seed 003's flow): an optional
 * {@link ShadowPhase} before stage 1, the promotion of the candidate to stable version at the
 * end ({@link Builder#promoteOnCompletion}), and the verification after a rollback
 * ({@link BackoutVerification}). A plan can also be read from a file:
 * {@link RolloutPlanFile}.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder()}.
 */
public final class RolloutPlan {

    /** Failed ticks in a row after which the controller fails safe, unless the plan says. */
    public static final int DEFAULT_MAX_FAILED_TICKS = 3;

    private final String model;
    private final String stableVersion;
    private final String candidateVersion;
    private final List<Integer> stages;
    private final Duration checkpointDuration;
    private final long minSamples;
    private final Policy policy;
    private final boolean dryRun;
    private final ChangeGuard calendar;
    private final List<CriterionWaiver> waivers;
    private final int maxFailedTicks;
    private final List<ExternalMetricSource> metricSources;
    private final @Nullable ShadowPhase shadowPhase;
    private final boolean promoteOnCompletion;
    private final @Nullable BackoutVerification backoutVerification;

    private RolloutPlan(Builder b, Policy policy) {
        this.shadowPhase = b.shadowPhase;
        this.promoteOnCompletion = b.promoteOnCompletion;
        this.backoutVerification = b.backoutVerification;
        this.model = b.model;
        this.stableVersion = b.stableVersion;
        this.candidateVersion = b.candidateVersion;
        this.stages = List.copyOf(b.stages);
        this.checkpointDuration = b.checkpointDuration;
        this.minSamples = b.minSamples;
        this.policy = policy;
        this.dryRun = b.dryRun;
        this.calendar = b.calendar;
        this.waivers = List.copyOf(b.waivers);
        this.maxFailedTicks = b.maxFailedTicks;
        this.metricSources = List.copyOf(b.metricSources);
    }

    /**
     * @return the sources of the policy's external metrics (e.g. Prometheus), read once per
     *     tick; empty when the policy reads only the router's measurements
     */
    public List<ExternalMetricSource> metricSources() {
        return metricSources;
    }

    /** @return the shadow phase that comes before stage 1, empty if none */
    public Optional<ShadowPhase> shadowPhase() {
        return Optional.ofNullable(shadowPhase);
    }

    /**
     * @return whether the candidate becomes the model's stable version when the rollout is
     *     PROMOTED ({@code RouterAdmin.setStable}, audited)
     */
    public boolean promoteOnCompletion() {
        return promoteOnCompletion;
    }

    /** @return the verification run after a rollback, empty if none */
    public Optional<BackoutVerification> backoutVerification() {
        return Optional.ofNullable(backoutVerification);
    }

    /**
     * @return how many ticks in a row may fail before the controller fails safe (the candidate
     *     killed and set to 0%)
     */
    public int maxFailedTicks() {
        return maxFailedTicks;
    }

    /** @return the guard (freeze windows) that keeps the rollout from advancing */
    public ChangeGuard calendar() {
        return calendar;
    }

    /** @return the waivers of policy criteria (expired ones included; they no longer count) */
    public List<CriterionWaiver> waivers() {
        return waivers;
    }

    /**
     * A new builder.
     *
     * @return a builder with a 30-minute checkpoint, 10 minimum samples, dry run off and a
     *     fail-safe after 3 failed ticks in a row
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the model */
    public String model() {
        return model;
    }

    /** @return the stable version */
    public String stableVersion() {
        return stableVersion;
    }

    /** @return the candidate version the rollout walks */
    public String candidateVersion() {
        return candidateVersion;
    }

    /** @return the stages, candidate weight in basis points, strictly increasing */
    public List<Integer> stages() {
        return stages;
    }

    /** @return how long each checkpoint lasts */
    public Duration checkpointDuration() {
        return checkpointDuration;
    }

    /** @return the samples each arm needs in a checkpoint before the rollout may advance */
    public long minSamples() {
        return minSamples;
    }

    /** @return the policy that judges each checkpoint */
    public Policy policy() {
        return policy;
    }

    /** @return whether the rollout only evaluates and records, changing nothing in the router */
    public boolean dryRun() {
        return dryRun;
    }

    @Override
    public String toString() {
        return "RolloutPlan{model=" + model + ", stable=" + stableVersion + ", candidate="
                + candidateVersion + ", stages=" + stages + ", checkpoint=" + checkpointDuration
                + ", minSamples=" + minSamples + ", policy=" + policy.name() + ", dryRun="
                + dryRun + ", maxFailedTicks=" + maxFailedTicks
                + (shadowPhase == null ? "" : ", shadowPhase=" + shadowPhase)
                + (promoteOnCompletion ? ", promoteOnCompletion=true" : "")
                + (backoutVerification == null ? "" : ", " + backoutVerification) + "}";
    }

    /** Builds a {@link RolloutPlan}. Not thread-safe. */
    public static final class Builder {
        private String model = "";
        private String stableVersion = "";
        private String candidateVersion = "";
        private List<Integer> stages = List.of();
        private Duration checkpointDuration = Duration.ofMinutes(30);
        private long minSamples = 10;
        private @Nullable Policy policy;
        private boolean dryRun;
        private ChangeGuard calendar = ChangeGuard.NONE;
        private List<CriterionWaiver> waivers = List.of();
        private int maxFailedTicks = DEFAULT_MAX_FAILED_TICKS;
        private final List<ExternalMetricSource> metricSources = new ArrayList<>();
        private @Nullable ShadowPhase shadowPhase;
        private boolean promoteOnCompletion;
        private @Nullable BackoutVerification backoutVerification;

        private Builder() {}

        /**
         * @param phase a shadow phase before stage 1 (seed 002, seed 000 §3.2): the candidate
         *     is shadowed at weight 0 until the phase passes; null (the default) for none
         * @return this builder
         */
        public Builder shadowPhase(@Nullable ShadowPhase phase) {
            this.shadowPhase = phase;
            return this;
        }

        /**
         * @param promote whether a PROMOTED rollout makes the candidate the model's stable
         *     version through {@code RouterAdmin.setStable} (seed 003: {@code promote_model}
         *     after the last stage); needs a last stage of 10000 bp. Off by default: PROMOTED
         *     then leaves the candidate at the last stage's weight
         * @return this builder
         */
        public Builder promoteOnCompletion(boolean promote) {
            this.promoteOnCompletion = promote;
            return this;
        }

        /**
         * @param verification the check run after a rollback (seed 004 §6); null (the default)
         *     for none
         * @return this builder
         */
        public Builder backoutVerification(@Nullable BackoutVerification verification) {
            this.backoutVerification = verification;
            return this;
        }

        /**
         * Registers where the policy's external metrics (its {@code metrics} entries with
         * {@code "source": source.name()}) are read from, e.g. router-prometheus's
         * {@code PrometheusMetricSource}. Repeatable, one source per name.
         *
         * @param source the source
         * @return this builder
         * @throws NullPointerException if source is null
         * @throws IllegalArgumentException if a source of the same name is registered
         */
        public Builder metricSource(ExternalMetricSource source) {
            Objects.requireNonNull(source, "source");
            for (ExternalMetricSource s : metricSources) {
                if (s.name().equals(source.name())) {
                    throw new IllegalArgumentException("metricSource: a source named '"
                            + source.name() + "' is already registered (" + s + ")");
                }
            }
            metricSources.add(source);
            return this;
        }

        /**
         * @param n how many ticks in a row may fail (anything thrown while evaluating or
         *     applying a checkpoint) before the controller fails safe: it kills the candidate
         *     and sets it to 0%, as a rollback; 1 to 1000, default 3
         * @return this builder
         * @throws IllegalArgumentException if n is outside 1..1000
         */
        public Builder maxFailedTicks(int n) {
            if (n < 1 || n > 1000) {
                throw new IllegalArgumentException("maxFailedTicks must be between 1 and 1000,"
                        + " but was " + n);
            }
            this.maxFailedTicks = n;
            return this;
        }

        /**
         * @param calendar freeze windows (e.g. the governance {@code ChangeCalendar}): inside
         *     one a PROCEED holds instead of advancing (rollbacks and aborts are never frozen);
         *     none by default
         * @return this builder
         */
        public Builder calendar(ChangeGuard calendar) {
            this.calendar = Objects.requireNonNull(calendar, "calendar");
            return this;
        }

        /**
         * @param waivers temporary exceptions to policy criteria; each stops counting at its
         *     expiry by itself (e.g. governance {@code Waiver}s)
         * @return this builder
         */
        public Builder waivers(List<? extends CriterionWaiver> waivers) {
            this.waivers = List.copyOf(waivers);
            return this;
        }

        /**
         * @param model the model
         * @return this builder
         */
        public Builder model(String model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /**
         * @param version the stable version
         * @return this builder
         */
        public Builder stableVersion(String version) {
            this.stableVersion = Objects.requireNonNull(version, "stableVersion");
            return this;
        }

        /**
         * @param version the candidate version
         * @return this builder
         */
        public Builder candidateVersion(String version) {
            this.candidateVersion = Objects.requireNonNull(version, "candidateVersion");
            return this;
        }

        /**
         * @param basisPoints candidate weights, strictly increasing, each in 1..10000
         * @return this builder
         */
        public Builder stages(int... basisPoints) {
            List<Integer> l = new ArrayList<>();
            for (int bp : basisPoints) {
                l.add(bp);
            }
            this.stages = l;
            return this;
        }

        /**
         * @param basisPoints candidate weights, strictly increasing, each in 1..10000
         * @return this builder
         */
        public Builder stages(List<Integer> basisPoints) {
            this.stages = new ArrayList<>(Objects.requireNonNull(basisPoints, "stages"));
            return this;
        }

        /**
         * @param duration how long each checkpoint lasts; positive
         * @return this builder
         */
        public Builder checkpointDuration(Duration duration) {
            this.checkpointDuration = Objects.requireNonNull(duration, "checkpointDuration");
            return this;
        }

        /**
         * @param minSamples samples per arm a checkpoint needs to advance; at least 0
         * @return this builder
         */
        public Builder minSamples(long minSamples) {
            this.minSamples = minSamples;
            return this;
        }

        /**
         * @param policy the policy that judges each checkpoint
         * @return this builder
         */
        public Builder policy(Policy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * @param dryRun evaluate and record only, change nothing in the router
         * @return this builder
         */
        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the plan
         * @throws IllegalArgumentException naming the field and value when one is invalid
         * @throws dev.releaserouter.api.config.ConfigException (an IllegalArgumentException)
         *     if the policy reads a metric the router's measurements cannot provide, naming the
         *     policy file, the criterion's JSON pointer and the known metrics (see
         *     {@link Policy#requireMetrics}), or an external metric whose source is not
         *     registered or whose fields its source refuses ({@link ExternalMetrics#validate})
         */
        public RolloutPlan build() {
            nonBlank(model, "model");
            nonBlank(stableVersion, "stableVersion");
            nonBlank(candidateVersion, "candidateVersion");
            if (stableVersion.equals(candidateVersion)) {
                throw new IllegalArgumentException("candidateVersion must differ from "
                        + "stableVersion, but both were '" + candidateVersion + "'");
            }
            if (stages.isEmpty()) {
                throw new IllegalArgumentException("stages must not be empty, but was []");
            }
            int previous = 0;
            for (int i = 0; i < stages.size(); i++) {
                Integer bp = stages.get(i);
                if (bp == null || bp < 1 || bp > 10_000) {
                    throw new IllegalArgumentException("stages[" + i + "] must be between 1 and"
                            + " 10000 basis points, but was " + bp);
                }
                if (bp <= previous) {
                    throw new IllegalArgumentException("stages must be strictly increasing, but"
                            + " stages[" + i + "] was " + bp + " after " + previous);
                }
                previous = bp;
            }
            if (promoteOnCompletion && stages.get(stages.size() - 1) != 10_000) {
                throw new IllegalArgumentException("promoteOnCompletion needs a last stage of "
                        + "10000 basis points (100%), but stages[" + (stages.size() - 1)
                        + "] was " + stages.get(stages.size() - 1));
            }
            if (checkpointDuration.isNegative() || checkpointDuration.isZero()) {
                throw new IllegalArgumentException("checkpointDuration must be positive, but was "
                        + checkpointDuration);
            }
            if (minSamples < 0) {
                throw new IllegalArgumentException("minSamples must be >= 0, but was "
                        + minSamples);
            }
            if (policy == null) {
                throw new IllegalArgumentException("policy must be set, but was null");
            }
            // The controller judges with SnapshotGateInput: a metric it does not know would
            // fail every tick, so it fails here instead.
            policy.requireMetrics(SnapshotGateInput.METRICS);
            ExternalMetrics.validate(policy, metricSources);
            for (CriterionWaiver w : waivers) {
                if (!policy.criterionNames().contains(w.criterion())) {
                    throw new IllegalArgumentException("waivers: criterion '" + w.criterion()
                            + "' is not in the policy " + policy.name() + " (criteria: "
                            + policy.criterionNames() + ")");
                }
            }
            return new RolloutPlan(this, policy);
        }

        private static void nonBlank(String s, String field) {
            if (s.isBlank()) {
                throw new IllegalArgumentException(field + " must be a non-blank string, but was '"
                        + s + "'");
            }
        }
    }
}
