package dev.releaserouter.stats;

import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Everything a promotion gate needs to know about one metric of one experiment, with the
 * numbers behind each answer: per-arm size and mean, the uplift with its interval, the test's
 * p-value and whether it is significant, the minimum sample and whether it is reached, the
 * sample ratio mismatch check and a {@link Verdict}.
 *
 * <p>Keep one analysis per experiment and {@linkplain #update(ArmSummary, ArmSummary) update}
 * it with the cumulative arm summaries at every look; in sequential mode the analysis carries
 * the always-valid p-value from look to look.
 *
 * <p>How the verdict is reached:
 * <ol>
 *   <li>{@link Verdict#NOT_ENOUGH_DATA} while an arm has fewer than
 *       {@link AnalysisConfig#minimumSamplePerArm()} units, the difference cannot be estimated,
 *       the test is {@linkplain TestResult#defined() undefined} (0/500 vs 0/500 conversions, no
 *       variance in either arm), or, in fixed-horizon mode, the minimum sample from the minimum
 *       detectable effect is not reached (or cannot be computed yet, e.g. a baseline rate of
 *       0). In sequential mode the
 *       power-based minimum is reported but does not hold the verdict back: the always-valid
 *       p-value may be acted on at any look.</li>
 *   <li>Otherwise {@link Verdict#BETTER} or {@link Verdict#WORSE} when the p-value (the
 *       fixed-horizon test's, or the sequential one's) is at most alpha, by the sign of the
 *       difference and the metric's {@link Direction}.</li>
 *   <li>Otherwise {@link Verdict#NO_DIFFERENCE_DETECTED}.</li>
 * </ol>
 * The SRM check does not change the verdict, but a mismatch means the assignment is broken and
 * no verdict should be trusted: a gate must read {@link #srmOk()} too (or {@link #actionable()},
 * which combines both).
 *
 * <p>Immutable and thread-safe.
 */
public final class ExperimentAnalysis {

    private final AnalysisConfig config;
    private final ArmSummary control;
    private final ArmSummary treatment;
    private final TestResult test;
    private final Uplift uplift;
    private final SrmResult srm;
    private final @Nullable SampleRequirement requiredSample;
    private final @Nullable SequentialTest sequential;
    private final Verdict verdict;

    private ExperimentAnalysis(AnalysisConfig config, ArmSummary control, ArmSummary treatment,
            @Nullable SequentialTest sequential) {
        this.config = config;
        this.control = control;
        this.treatment = treatment;
        double level = 1 - config.alpha();
        this.test = config.metric() == MetricKind.CONVERSION
                ? Proportions.zTest(control, treatment, config.continuityCorrection(), level)
                : Means.welchTest(control, treatment, level);
        this.uplift = Uplift.of(config.metric(), control, treatment, level);
        this.srm = SampleRatioMismatch.test(new long[] {control.n(), treatment.n()},
                config.controlWeight(), config.treatmentWeight());
        this.requiredSample = requirement(config, control, treatment);
        this.sequential = sequential;
        this.verdict = decide();
    }

    /**
     * The analysis before any data: both arms empty, verdict {@link Verdict#NOT_ENOUGH_DATA}.
     *
     * @param config how to judge the metric
     * @return the analysis
     */
    public static ExperimentAnalysis start(AnalysisConfig config) {
        return new ExperimentAnalysis(config, ArmSummary.empty(), ArmSummary.empty(),
                config.sequential() ? initialSequential(config) : null);
    }

    /**
     * A one-look analysis of the given data (in sequential mode, a first look).
     *
     * @param config how to judge the metric
     * @param control everything the control observed
     * @param treatment everything the treatment observed
     * @return the analysis
     */
    public static ExperimentAnalysis of(AnalysisConfig config, ArmSummary control,
            ArmSummary treatment) {
        return new ExperimentAnalysis(config, control, treatment, config.sequential()
                ? initialSequential(config).observe(control, treatment) : null);
    }

    /**
     * The analysis after one more look at the cumulative data.
     *
     * @param cumulativeControl everything the control observed since the experiment started
     * @param cumulativeTreatment everything the treatment observed since it started
     * @return a new analysis; this one is unchanged
     */
    public ExperimentAnalysis update(ArmSummary cumulativeControl,
            ArmSummary cumulativeTreatment) {
        return new ExperimentAnalysis(config, cumulativeControl, cumulativeTreatment,
                sequential == null ? null
                        : sequential.observe(cumulativeControl, cumulativeTreatment));
    }

    private static SequentialTest initialSequential(AnalysisConfig config) {
        return SequentialTest.start(config.metric(), config.mixingStandardDeviation(),
                config.alpha());
    }

    private static @Nullable SampleRequirement requirement(AnalysisConfig config,
            ArmSummary control, ArmSummary treatment) {
        Optional<Effect> effect = config.minimumDetectableEffect();
        if (effect.isEmpty()) {
            return null;
        }
        double baseline = Double.isNaN(config.baseline())
                ? config.metric().mean(control) : config.baseline();
        try {
            if (config.metric() == MetricKind.CONVERSION) {
                return SampleSize.forProportions(baseline, effect.get(), config.design(),
                        config.proportionMethod());
            }
            double sd = Double.isNaN(config.standardDeviation())
                    ? pooledStandardDeviation(control, treatment) : config.standardDeviation();
            return SampleSize.forMeans(baseline, sd, effect.get(), config.design(),
                    config.meanMethod());
        } catch (IllegalArgumentException notYetComputable) {
            // E.g. an observed baseline rate of 0 or no variance yet: the minimum is unknown.
            return null;
        }
    }

    private static double pooledStandardDeviation(ArmSummary control, ArmSummary treatment) {
        long df = control.n() + treatment.n() - 2;
        return df <= 0 ? Double.NaN : Math.sqrt(
                (control.sumOfSquaredDeviations() + treatment.sumOfSquaredDeviations()) / df);
    }

    private boolean floorReached() {
        return control.n() >= config.minimumSamplePerArm()
                && treatment.n() >= config.minimumSamplePerArm();
    }

    private Verdict decide() {
        if (!floorReached() || Double.isNaN(test.estimate()) || !test.defined()
                || (!config.sequential() && !minimumSampleReached())) {
            return Verdict.NOT_ENOUGH_DATA;
        }
        if (!significant() || test.estimate() == 0) {
            return Verdict.NO_DIFFERENCE_DETECTED;
        }
        boolean higher = test.estimate() > 0;
        boolean better = higher == (config.direction() == Direction.HIGHER_IS_BETTER);
        return better ? Verdict.BETTER : Verdict.WORSE;
    }

    /** @return the configuration this analysis judges by */
    public AnalysisConfig config() {
        return config;
    }

    /** @return the control's cumulative summary (n, mean, conversions) */
    public ArmSummary control() {
        return control;
    }

    /** @return the treatment's cumulative summary (n, mean, conversions) */
    public ArmSummary treatment() {
        return treatment;
    }

    /**
     * The fixed-horizon test: the two-proportion z-test for conversions, Welch's t-test for
     * continuous metrics, with its interval at {@code 1 - alpha}.
     *
     * @return the test result
     */
    public TestResult test() {
        return test;
    }

    /** @return the absolute and relative uplift with intervals at {@code 1 - alpha} */
    public Uplift uplift() {
        return uplift;
    }

    /**
     * The p-value the verdict uses: the sequential test's always-valid one in sequential mode,
     * the fixed-horizon test's otherwise.
     *
     * @return the p-value in [0, 1]; NaN when the fixed-horizon test is
     *     {@linkplain TestResult#defined() undefined}
     */
    public double pValue() {
        return sequential != null ? sequential.pValue() : test.pValue();
    }

    /** @return the natural log of {@link #pValue()}, finite where it underflows */
    public double logPValue() {
        return sequential != null ? sequential.logPValue() : test.logPValue();
    }

    /** @return whether {@link #pValue()} is at most the configured alpha */
    public boolean significant() {
        return pValue() <= config.alpha();
    }

    /**
     * The minimum sample per arm from the minimum detectable effect.
     *
     * @return the requirement; empty when no effect is configured or it cannot be computed yet
     */
    public Optional<SampleRequirement> requiredSample() {
        return Optional.ofNullable(requiredSample);
    }

    /**
     * Whether both arms reached the floor and, when an effect is configured, the required
     * sample.
     *
     * @return whether the minimum sample is reached
     */
    public boolean minimumSampleReached() {
        if (config.minimumDetectableEffect().isEmpty()) {
            return floorReached();
        }
        return floorReached() && requiredSample != null
                && requiredSample.isMetBy(control.n(), treatment.n());
    }

    /** @return the sample ratio mismatch check against the configured weights */
    public SrmResult srm() {
        return srm;
    }

    /** @return whether the split matches the weights at {@link AnalysisConfig#srmAlpha()} */
    public boolean srmOk() {
        return !srm.mismatchAt(config.srmAlpha());
    }

    /**
     * The sequential test's state, in sequential mode.
     *
     * @return the test, or empty in fixed-horizon mode
     */
    public Optional<SequentialTest> sequential() {
        return Optional.ofNullable(sequential);
    }

    /** @return the verdict; see the class javadoc for the rules */
    public Verdict verdict() {
        return verdict;
    }

    /**
     * Whether a gate may act on the verdict: the SRM check passes and the verdict is
     * {@link Verdict#BETTER} or {@link Verdict#WORSE}.
     *
     * @return whether the analysis is conclusive and trustworthy
     */
    public boolean actionable() {
        return srmOk() && (verdict == Verdict.BETTER || verdict == Verdict.WORSE);
    }

    /**
     * A one-paragraph account of the verdict with its numbers, for logs and audit events.
     *
     * @return the summary
     */
    public String summary() {
        String required = requiredSample == null ? "none"
                : requiredSample.control() + "/" + requiredSample.treatment();
        return String.format(Locale.ROOT,
                "%s: treatment %.6g vs control %.6g (n %d/%d); uplift %+.6g [%.6g, %.6g],"
                        + " relative %+.4g%% [%.4g%%, %.4g%%]; p=%.4g%s (log p %.4g) vs alpha"
                        + " %.4g, %s; minimum sample %s (required %s); SRM p=%.4g %s",
                verdict, config.metric().mean(treatment), config.metric().mean(control),
                treatment.n(), control.n(), uplift.absolute(),
                uplift.absoluteInterval().lower(), uplift.absoluteInterval().upper(),
                100 * uplift.relative(), 100 * uplift.relativeInterval().lower(),
                100 * uplift.relativeInterval().upper(), pValue(),
                sequential != null ? " (always valid, " + sequential.looks() + " looks)" : "",
                logPValue(), config.alpha(), significant() ? "significant" : "not significant",
                minimumSampleReached() ? "reached" : "not reached", required, srm.pValue(),
                srmOk() ? "ok" : "MISMATCH");
    }

    @Override
    public String toString() {
        return "ExperimentAnalysis[" + summary() + "]";
    }
}
