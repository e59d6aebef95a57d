package dev.releaserouter.stats;

import dev.releaserouter.stats.internal.Checks;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How an {@link ExperimentAnalysis} judges one metric of one experiment: the metric's kind and
 * direction, the error rates, the minimum detectable effect that sets the minimum sample, the
 * configured traffic weights for the SRM check and whether looks are sequential.
 *
 * <p>Immutable and thread-safe; built with {@link #builder(MetricKind)}.
 */
public final class AnalysisConfig {

    /** Seed 003's floor: never judge an arm on fewer than 10 units. */
    public static final long DEFAULT_MINIMUM_SAMPLE_PER_ARM = 10;

    /** The usual level for the SRM check, which runs on every experiment (Fabijan et al. 2019). */
    public static final double DEFAULT_SRM_ALPHA = 0.001;

    private final MetricKind metric;
    private final Direction direction;
    private final double alpha;
    private final double power;
    private final @Nullable Effect minimumDetectableEffect;
    private final double baseline;
    private final double standardDeviation;
    private final double controlWeight;
    private final double treatmentWeight;
    private final double srmAlpha;
    private final long minimumSamplePerArm;
    private final ProportionMethod proportionMethod;
    private final MeanMethod meanMethod;
    private final ContinuityCorrection continuityCorrection;
    private final double mixingStandardDeviation;

    private AnalysisConfig(Builder b) {
        this.metric = b.metric;
        this.direction = b.direction;
        this.alpha = b.alpha;
        this.power = b.power;
        this.minimumDetectableEffect = b.minimumDetectableEffect;
        this.baseline = b.baseline;
        this.standardDeviation = b.standardDeviation;
        this.controlWeight = b.controlWeight;
        this.treatmentWeight = b.treatmentWeight;
        this.srmAlpha = b.srmAlpha;
        this.minimumSamplePerArm = b.minimumSamplePerArm;
        this.proportionMethod = b.proportionMethod;
        this.meanMethod = b.meanMethod;
        this.continuityCorrection = b.continuityCorrection;
        this.mixingStandardDeviation = b.mixingStandardDeviation;
    }

    /**
     * Starts a configuration for a metric of the given kind with the defaults: higher is
     * better, alpha 0.05, power 0.8, no minimum detectable effect (only the floor of
     * {@value #DEFAULT_MINIMUM_SAMPLE_PER_ARM} per arm), even weights, SRM alpha 0.001,
     * {@link ProportionMethod#POOLED_NORMAL}, {@link MeanMethod#T_DISTRIBUTION}, no continuity
     * correction and fixed-horizon testing.
     *
     * @param metric the metric's kind
     * @return a builder
     */
    public static Builder builder(MetricKind metric) {
        return new Builder(Objects.requireNonNull(metric, "metric"));
    }

    /**
     * A builder pre-filled with this configuration.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(metric);
        b.direction = direction;
        b.alpha = alpha;
        b.power = power;
        b.minimumDetectableEffect = minimumDetectableEffect;
        b.baseline = baseline;
        b.standardDeviation = standardDeviation;
        b.controlWeight = controlWeight;
        b.treatmentWeight = treatmentWeight;
        b.srmAlpha = srmAlpha;
        b.minimumSamplePerArm = minimumSamplePerArm;
        b.proportionMethod = proportionMethod;
        b.meanMethod = meanMethod;
        b.continuityCorrection = continuityCorrection;
        b.mixingStandardDeviation = mixingStandardDeviation;
        return b;
    }

    /** @return the metric's kind */
    public MetricKind metric() {
        return metric;
    }

    /** @return which way the metric improves */
    public Direction direction() {
        return direction;
    }

    /** @return the two-sided significance level; intervals are at {@code 1 - alpha} */
    public double alpha() {
        return alpha;
    }

    /** @return the power used for the minimum sample */
    public double power() {
        return power;
    }

    /** @return the minimum detectable effect, if one sets the minimum sample */
    public Optional<Effect> minimumDetectableEffect() {
        return Optional.ofNullable(minimumDetectableEffect);
    }

    /**
     * @return the configured baseline rate or mean for the minimum sample; NaN to use the
     *     control's observed value
     */
    public double baseline() {
        return baseline;
    }

    /**
     * @return the configured standard deviation for a continuous metric's minimum sample; NaN
     *     to use the pooled observed one
     */
    public double standardDeviation() {
        return standardDeviation;
    }

    /** @return the control's configured traffic weight */
    public double controlWeight() {
        return controlWeight;
    }

    /** @return the treatment's configured traffic weight */
    public double treatmentWeight() {
        return treatmentWeight;
    }

    /** @return the level at which the SRM check flags a mismatch */
    public double srmAlpha() {
        return srmAlpha;
    }

    /** @return the floor on units per arm before any verdict but {@code NOT_ENOUGH_DATA} */
    public long minimumSamplePerArm() {
        return minimumSamplePerArm;
    }

    /** @return the sample-size formula for conversions */
    public ProportionMethod proportionMethod() {
        return proportionMethod;
    }

    /** @return the sample-size formula for continuous metrics */
    public MeanMethod meanMethod() {
        return meanMethod;
    }

    /** @return the z-test's continuity correction */
    public ContinuityCorrection continuityCorrection() {
        return continuityCorrection;
    }

    /** @return whether looks are judged by the always-valid sequential test */
    public boolean sequential() {
        return !Double.isNaN(mixingStandardDeviation);
    }

    /** @return the sequential test's {@code tau}; NaN for fixed-horizon testing */
    public double mixingStandardDeviation() {
        return mixingStandardDeviation;
    }

    /** The design derived from alpha, power and the weights. */
    TestDesign design() {
        return new TestDesign(alpha, power, treatmentWeight / controlWeight);
    }

    @Override
    public String toString() {
        return "AnalysisConfig[metric=" + metric + ", direction=" + direction + ", alpha="
                + alpha + ", power=" + power + ", minimumDetectableEffect="
                + minimumDetectableEffect + ", baseline=" + baseline + ", standardDeviation="
                + standardDeviation + ", weights=" + controlWeight + "/" + treatmentWeight
                + ", srmAlpha=" + srmAlpha + ", minimumSamplePerArm=" + minimumSamplePerArm
                + ", proportionMethod=" + proportionMethod + ", meanMethod=" + meanMethod
                + ", continuityCorrection=" + continuityCorrection
                + ", mixingStandardDeviation=" + mixingStandardDeviation + "]";
    }

    /**
     * Builds an {@link AnalysisConfig}; every setter validates its argument at once.
     *
     * <p>Not thread-safe; the built configuration is.
     */
    public static final class Builder {

        private final MetricKind metric;
        private Direction direction = Direction.HIGHER_IS_BETTER;
        private double alpha = 0.05;
        private double power = 0.8;
        private @Nullable Effect minimumDetectableEffect;
        private double baseline = Double.NaN;
        private double standardDeviation = Double.NaN;
        private double controlWeight = 1;
        private double treatmentWeight = 1;
        private double srmAlpha = DEFAULT_SRM_ALPHA;
        private long minimumSamplePerArm = DEFAULT_MINIMUM_SAMPLE_PER_ARM;
        private ProportionMethod proportionMethod = ProportionMethod.POOLED_NORMAL;
        private MeanMethod meanMethod = MeanMethod.T_DISTRIBUTION;
        private ContinuityCorrection continuityCorrection = ContinuityCorrection.NONE;
        private double mixingStandardDeviation = Double.NaN;
        private boolean sequentialFromEffect;

        private Builder(MetricKind metric) {
            this.metric = metric;
        }

        /**
         * @param value which way the metric improves
         * @return this builder
         */
        public Builder direction(Direction value) {
            this.direction = Objects.requireNonNull(value, "direction");
            return this;
        }

        /**
         * @param value the two-sided significance level in (0, 1)
         * @return this builder
         * @throws IllegalArgumentException if the value is outside (0, 1)
         */
        public Builder alpha(double value) {
            this.alpha = Checks.openUnit("alpha", value);
            return this;
        }

        /**
         * @param value the power for the minimum sample, in (0, 1)
         * @return this builder
         * @throws IllegalArgumentException if the value is outside (0, 1)
         */
        public Builder power(double value) {
            this.power = Checks.openUnit("power", value);
            return this;
        }

        /**
         * Sets the smallest effect worth detecting; the minimum sample per arm then follows
         * from it with {@link SampleSize}.
         *
         * @param value the effect
         * @return this builder
         */
        public Builder minimumDetectableEffect(Effect value) {
            this.minimumDetectableEffect = Objects.requireNonNull(value, "minimumDetectableEffect");
            return this;
        }

        /**
         * Fixes the baseline rate or mean used for the minimum sample (and for a relative
         * effect's scale) instead of the control's observed value.
         *
         * @param value the expected control rate or mean, finite
         * @return this builder
         * @throws IllegalArgumentException if the value is not finite
         */
        public Builder baseline(double value) {
            this.baseline = Checks.finite("baseline", value);
            return this;
        }

        /**
         * Fixes the standard deviation used for a continuous metric's minimum sample instead
         * of the pooled observed one.
         *
         * @param value a positive standard deviation
         * @return this builder
         * @throws IllegalArgumentException if the value is not a finite positive number
         */
        public Builder standardDeviation(double value) {
            this.standardDeviation = Checks.positive("standardDeviation", value);
            return this;
        }

        /**
         * Sets the configured traffic weights (any scale: 95 and 5, or 0.5 and 0.5), used by the
         * SRM check and as the allocation ratio of the minimum sample.
         *
         * @param control the control's weight, positive
         * @param treatment the treatment's weight, positive
         * @return this builder
         * @throws IllegalArgumentException if a weight is not a finite positive number
         */
        public Builder weights(double control, double treatment) {
            this.controlWeight = Checks.positive("controlWeight", control);
            this.treatmentWeight = Checks.positive("treatmentWeight", treatment);
            return this;
        }

        /**
         * @param value the SRM check's level in (0, 1)
         * @return this builder
         * @throws IllegalArgumentException if the value is outside (0, 1)
         */
        public Builder srmAlpha(double value) {
            this.srmAlpha = Checks.openUnit("srmAlpha", value);
            return this;
        }

        /**
         * @param value the floor on units per arm, {@code >= 0}
         * @return this builder
         * @throws IllegalArgumentException if the value is negative
         */
        public Builder minimumSamplePerArm(long value) {
            this.minimumSamplePerArm = Checks.nonNegative("minimumSamplePerArm", value);
            return this;
        }

        /**
         * @param value the sample-size formula for conversions
         * @return this builder
         */
        public Builder proportionMethod(ProportionMethod value) {
            this.proportionMethod = Objects.requireNonNull(value, "proportionMethod");
            return this;
        }

        /**
         * @param value the sample-size formula for continuous metrics
         * @return this builder
         */
        public Builder meanMethod(MeanMethod value) {
            this.meanMethod = Objects.requireNonNull(value, "meanMethod");
            return this;
        }

        /**
         * @param value the z-test's continuity correction
         * @return this builder
         */
        public Builder continuityCorrection(ContinuityCorrection value) {
            this.continuityCorrection = Objects.requireNonNull(value, "continuityCorrection");
            return this;
        }

        /**
         * Judges looks with the always-valid {@link SequentialTest} with the given {@code tau},
         * so a gate may evaluate after every window.
         *
         * @param tau the mixing standard deviation in the metric's units, positive
         * @return this builder
         * @throws IllegalArgumentException if tau is not a finite positive number
         */
        public Builder sequential(double tau) {
            this.mixingStandardDeviation = Checks.positive("mixingStandardDeviation", tau);
            this.sequentialFromEffect = false;
            return this;
        }

        /**
         * Judges looks sequentially with {@code tau} equal to the minimum detectable effect in
         * the metric's units (an absolute effect, or a relative one times the configured
         * baseline).
         *
         * @return this builder
         */
        public Builder sequential() {
            this.sequentialFromEffect = true;
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException if {@link #sequential()} was asked for without an
         *     effect that fixes tau (an absolute effect, or a relative one with a baseline)
         */
        public AnalysisConfig build() {
            if (sequentialFromEffect) {
                double tau = minimumDetectableEffect == null ? Double.NaN
                        : minimumDetectableEffect.relative()
                                ? minimumDetectableEffect.absoluteFor(baseline)
                                : minimumDetectableEffect.value();
                if (!(tau > 0)) {
                    throw new IllegalArgumentException("sequential() needs an absolute"
                            + " minimumDetectableEffect, or a relative one with a non-zero"
                            + " baseline, but had effect " + minimumDetectableEffect
                            + " and baseline " + baseline);
                }
                mixingStandardDeviation = tau;
            }
            return new AnalysisConfig(this);
        }
    }
}
