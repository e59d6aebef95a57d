package dev.releaserouter.replay.eval;

import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowPair;
import dev.releaserouter.rollout.ShadowEvidence;
import dev.releaserouter.stats.PopulationStability;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a shadow evaluation is judged on: the candidate's shadow calls by outcome, how many of
 * their outputs matched the stable version's, fallbacks, answers served from a shadow call,
 * latency quantiles of both versions, the score-delta distribution and the PSI of the two score
 * distributions. Immutable and thread-safe.
 *
 * <p>Built either with {@link #builder()} from numbers kept elsewhere (router metrics), or with
 * {@link #fromPairs(Iterable, String)} from stored {@link ShadowPair}s, which works out every
 * number as follows:
 *
 * <ul>
 *   <li>outcomes: each pair counts once under its {@link ShadowPair#outcome()}; their sum is the
 *       number of shadow calls that ran;
 *   <li>comparisons and matches: pairs whose {@link ShadowPair#match()} is not null;
 *   <li>latencies: over the pairs whose candidate returned an output ({@code SUCCESS} or
 *       {@code INVALID_OUTPUT}) with a known latency, both versions' latencies of those same
 *       requests (a paired sample: errors, which may fail fast, and timeouts, which have no
 *       latency, are judged by the failure rate instead); exact quantiles by R's type 7;
 *   <li>score delta: the finite {@link ShadowPair#delta()}s;
 *   <li>PSI: over the {@code SUCCESS} pairs whose two outputs are both scores (see
 *       {@link #scoreOf(String, String)}), bins at the deciles of the stable scores
 *       ({@link PopulationStability#quantileEdges(double[], int)}), the candidate's counts
 *       against the stable version's ({@link PopulationStability#index(long[], long[])}); NaN
 *       when no pair has two scores;
 *   <li>fallbacks and served-from-shadow: pairs do not record them, so they are 0; set them with
 *       {@link #toBuilder()} from the router's counters;
 *   <li>policy violations ({@link #violations()}): over the pairs that recorded them
 *       ({@link ShadowPair#violations()} present), their count, critical count and per policy;
 *   <li>cost ({@link #cost()}, seed 000 §2.2): when a cost field is given
 *       ({@link PairReader#costField}), the mean of the finite numbers at that field of the
 *       stable outputs and of the candidate outputs ({@code SUCCESS} and
 *       {@code INVALID_OUTPUT} pairs); or set from the router's per-arm cost
 *       ({@code ArmStats cost_per_call}) with {@link Builder#cost};
 *   <li>fairness ({@link #fairness()}, seed 001 §3.5): per tenant, region and channel of the
 *       pairs, see {@link FairnessCheck}.
 * </ul>
 */
public final class ShadowMeasurements {

    /** PSI bins used by {@link #fromPairs(Iterable, String)}: 10, the stable scores' deciles. */
    public static final int DEFAULT_PSI_BINS = 10;

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final String model;
    private final String stableVersion;
    private final String candidateVersion;
    private final long successes;
    private final long errors;
    private final long timeouts;
    private final long invalidOutputs;
    private final long comparisons;
    private final long matches;
    private final long fallbacks;
    private final long servedFromShadow;
    private final LatencySummary stableLatency;
    private final LatencySummary candidateLatency;
    private final DeltaSummary scoreDelta;
    private final double psi;
    private final long psiSamples;
    private final ViolationCounts violations;
    private final CostComparison cost;
    private final FairnessCheck fairness;

    private ShadowMeasurements(Builder b) {
        this.model = b.model;
        this.stableVersion = b.stableVersion;
        this.candidateVersion = b.candidateVersion;
        this.successes = b.successes;
        this.errors = b.errors;
        this.timeouts = b.timeouts;
        this.invalidOutputs = b.invalidOutputs;
        this.comparisons = b.comparisons;
        this.matches = b.matches;
        this.fallbacks = b.fallbacks;
        this.servedFromShadow = b.servedFromShadow;
        this.stableLatency = b.stableLatency;
        this.candidateLatency = b.candidateLatency;
        this.scoreDelta = b.scoreDelta;
        this.psi = b.psi;
        this.psiSamples = b.psiSamples;
        this.violations = b.violations;
        this.cost = b.cost;
        this.fairness = b.fairness;
    }

    /** @return an empty builder: every count 0, no latencies, no deltas, no PSI */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder preset with this object's values */
    public Builder toBuilder() {
        return new Builder()
                .model(model)
                .stableVersion(stableVersion)
                .candidateVersion(candidateVersion)
                .successes(successes)
                .errors(errors)
                .timeouts(timeouts)
                .invalidOutputs(invalidOutputs)
                .comparisons(comparisons)
                .matches(matches)
                .fallbacks(fallbacks)
                .servedFromShadow(servedFromShadow)
                .stableLatency(stableLatency)
                .candidateLatency(candidateLatency)
                .scoreDelta(scoreDelta)
                .psi(psi, psiSamples)
                .violations(violations)
                .cost(cost)
                .fairness(fairness);
    }

    /**
     * Options for measuring stored pairs beyond {@link #fromPairs(Iterable, String)}: the cost
     * field and the fairness segment minimum.
     *
     * @return a reader with the defaults (bare-number scores, no cost, 10 PSI bins, segments of
     *     at least {@value FairnessCheck#DEFAULT_MIN_SEGMENT_COMPARISONS} comparisons)
     */
    public static PairReader reader() {
        return new PairReader();
    }

    /** Measures stored pairs with chosen options. Not thread-safe; reusable. */
    public static final class PairReader {
        private @Nullable String scoreField;
        private @Nullable String costField;
        private int psiBins = DEFAULT_PSI_BINS;
        private int minSegmentComparisons = FairnessCheck.DEFAULT_MIN_SEGMENT_COMPARISONS;

        private PairReader() {}

        /**
         * @param field the output field holding the score (a name, or a JSON pointer starting
         *     with {@code /}), or null for bare-number scores
         * @return this reader
         */
        public PairReader scoreField(@Nullable String field) {
            this.scoreField = field;
            return this;
        }

        /**
         * @param field the output field holding the call's cost (a name, or a JSON pointer
         *     such as {@code /usage/cost}), or null for no cost
         * @return this reader
         */
        public PairReader costField(@Nullable String field) {
            this.costField = field;
            return this;
        }

        /**
         * @param bins PSI bins, {@code >= 2}
         * @return this reader
         * @throws IllegalArgumentException if bins is below 2
         */
        public PairReader psiBins(int bins) {
            if (bins < 2) {
                throw new IllegalArgumentException("psiBins must be >= 2, but was " + bins);
            }
            this.psiBins = bins;
            return this;
        }

        /**
         * @param n comparisons a segment needs to count in the fairness gaps, {@code >= 1}
         * @return this reader
         * @throws IllegalArgumentException if n is below 1
         */
        public PairReader minSegmentComparisons(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("minSegmentComparisons must be >= 1, but was "
                        + n);
            }
            this.minSegmentComparisons = n;
            return this;
        }

        /**
         * @param pairs pairs of one model, one stable and one candidate version; iterated once
         * @return the measurements
         * @throws IllegalArgumentException if the pairs mix models or versions
         */
        public ShadowMeasurements measure(Iterable<ShadowPair> pairs) {
            return ShadowMeasurements.measure(pairs, this);
        }
    }

    /**
     * Measures stored pairs with {@link #DEFAULT_PSI_BINS} PSI bins.
     *
     * @param pairs pairs of one model, one stable and one candidate version; iterated once
     * @param scoreField the output field holding the score when outputs are JSON objects (a
     *     name, or a JSON pointer if it starts with {@code /}), or null if scores are bare JSON
     *     numbers
     * @return the measurements
     * @throws IllegalArgumentException if the pairs mix models or versions
     * @see #fromPairs(Iterable, String, int)
     */
    public static ShadowMeasurements fromPairs(
            Iterable<ShadowPair> pairs, @Nullable String scoreField) {
        return fromPairs(pairs, scoreField, DEFAULT_PSI_BINS);
    }

    /**
     * Measures stored pairs, as described on the class. No pairs give all counts 0 and empty
     * model and version names.
     *
     * @param pairs pairs of one model, one stable and one candidate version; iterated once
     * @param scoreField the output field holding the score when outputs are JSON objects (a
     *     name, or a JSON pointer if it starts with {@code /}), or null if scores are bare JSON
     *     numbers
     * @param psiBins the number of PSI bins wanted, {@code >= 2} (ties in the stable scores may
     *     merge some)
     * @return the measurements
     * @throws IllegalArgumentException if the pairs mix models or versions, or psiBins is
     *     below 2
     */
    public static ShadowMeasurements fromPairs(
            Iterable<ShadowPair> pairs, @Nullable String scoreField, int psiBins) {
        return reader().scoreField(scoreField).psiBins(psiBins).measure(pairs);
    }

    private static ShadowMeasurements measure(Iterable<ShadowPair> pairs, PairReader r) {
        String scoreField = r.scoreField;
        int psiBins = r.psiBins;
        ViolationCounts.Tally violations = new ViolationCounts.Tally();
        FairnessCheck.Tally fairness = new FairnessCheck.Tally(r.minSegmentComparisons);
        Growable stableCost = new Growable();
        Growable candidateCost = new Growable();
        Builder b = builder();
        long success = 0;
        long error = 0;
        long timeout = 0;
        long invalid = 0;
        long comparisons = 0;
        long matches = 0;
        Growable stableMs = new Growable();
        Growable candidateMs = new Growable();
        Growable deltas = new Growable();
        Growable stableScores = new Growable();
        Growable candidateScores = new Growable();
        @Nullable ShadowPair first = null;
        for (ShadowPair p : pairs) {
            if (first == null) {
                first = p;
                b.model(p.model()).stableVersion(p.stableVersion())
                        .candidateVersion(p.candidateVersion());
            } else if (!sameGroup(first, p)) {
                throw new IllegalArgumentException("pairs must share one model, stable version"
                        + " and candidate version, but found " + group(first) + " and "
                        + group(p) + "; select one group first");
            }
            if (p.match().isPresent()) {
                comparisons++;
                matches += p.match().get() ? 1 : 0;
            }
            p.delta().ifPresent(deltas::add);
            p.violations().ifPresent(violations::add);
            fairness.add(p);
            if (r.costField != null) {
                addCost(p, r.costField, stableCost, candidateCost);
            }
            switch (p.outcome()) {
                case SUCCESS:
                    success++;
                    addScores(p, scoreField, stableScores, candidateScores);
                    addLatencies(p, stableMs, candidateMs);
                    break;
                case INVALID_OUTPUT:
                    invalid++;
                    addLatencies(p, stableMs, candidateMs);
                    break;
                case ERROR:
                    error++;
                    break;
                case TIMEOUT:
                    timeout++;
                    break;
                default:
                    throw new AssertionError(p.outcome());
            }
        }
        b.successes(success).errors(error).timeouts(timeout).invalidOutputs(invalid)
                .comparisons(comparisons).matches(matches)
                .stableLatency(LatencySummary.ofMillis(stableMs.toArray()))
                .candidateLatency(LatencySummary.ofMillis(candidateMs.toArray()))
                .scoreDelta(DeltaSummary.of(deltas.toArray()));
        if (stableScores.size > 0) {
            b.psi(psi(stableScores.toArray(), candidateScores.toArray(), psiBins),
                    stableScores.size);
        }
        return b.violations(violations.counts())
                .cost(new CostComparison(stableCost.size, mean(stableCost), candidateCost.size,
                        mean(candidateCost)))
                .fairness(fairness.check())
                .build();
    }

    private static double mean(Growable g) {
        if (g.size == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < g.size; i++) {
            sum += g.values[i];
        }
        return sum / g.size;
    }

    /** Costs are numbers >= 0 at the cost field; other values are ignored. */
    private static void addCost(ShadowPair p, String costField, Growable stable,
            Growable candidate) {
        double s = score(parse(p.stableOutputJson()), costField);
        if (s >= 0) {
            stable.add(s);
        }
        if (p.outcome() == ShadowOutcome.SUCCESS
                || p.outcome() == ShadowOutcome.INVALID_OUTPUT) {
            double c = score(parse(p.candidateOutputJson()), costField);
            if (c >= 0) {
                candidate.add(c);
            }
        }
    }

    /**
     * The score of an output in JSON (as a {@link ShadowPair} stores it), as
     * {@link #fromPairs(Iterable, String)} reads it: the output itself if it is a number, else,
     * if {@code scoreField} is given and the output is an object, the number at that field.
     *
     * @param outputJson the output as JSON text, or null
     * @param scoreField a field name, or a JSON pointer if it starts with {@code /}, or null
     * @return the score, or empty if the text is null or not JSON, or there is no finite score
     */
    public static OptionalDouble scoreOf(@Nullable String outputJson, @Nullable String scoreField) {
        double v = score(parse(outputJson), scoreField);
        return Double.isNaN(v) ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /** {@link #scoreOf(String, String)} on a parsed output; NaN when there is no finite score. */
    private static double score(@Nullable JsonNode output, @Nullable String scoreField) {
        if (output == null) {
            return Double.NaN;
        }
        JsonNode n = output;
        if (!n.isNumber() && scoreField != null && output.isObject()) {
            n = scoreField.startsWith("/") ? output.at(scoreField) : output.get(scoreField);
        }
        if (n == null || !n.isNumber()) {
            return Double.NaN;
        }
        double v = n.asDouble();
        return Double.isFinite(v) ? v : Double.NaN;
    }

    private static boolean sameGroup(ShadowPair a, ShadowPair b) {
        return a.model().equals(b.model()) && a.stableVersion().equals(b.stableVersion())
                && a.candidateVersion().equals(b.candidateVersion());
    }

    private static String group(ShadowPair p) {
        return "model '" + p.model() + "' " + p.stableVersion() + " -> " + p.candidateVersion();
    }

    private static void addLatencies(ShadowPair p, Growable stableMs, Growable candidateMs) {
        if (p.candidateLatencyNanos().isPresent() && p.stableLatencyNanos() >= 0) {
            stableMs.add(p.stableLatencyNanos() / 1e6);
            candidateMs.add(p.candidateLatencyNanos().getAsLong() / 1e6);
        }
    }

    private static void addScores(ShadowPair p, @Nullable String scoreField, Growable stable,
            Growable candidate) {
        double s = score(parse(p.stableOutputJson()), scoreField);
        if (Double.isNaN(s)) {
            return;
        }
        double c = score(parse(p.candidateOutputJson()), scoreField);
        if (!Double.isNaN(c)) {
            stable.add(s);
            candidate.add(c);
        }
    }

    private static @Nullable JsonNode parse(@Nullable String json) {
        if (json == null) {
            return null;
        }
        try {
            return MAPPER.readTree(json);
        } catch (JacksonException e) {
            return null; // not JSON, so not a score
        }
    }

    private static double psi(double[] stable, double[] candidate, int bins) {
        double[] edges = PopulationStability.quantileEdges(stable, bins);
        if (edges.length == 0) {
            // Every stable score is the same value v: bins below v, exactly v and above v, so
            // that a candidate that moves away from v still shows.
            edges = new double[] {Math.nextDown(stable[0]), stable[0]};
        }
        return PopulationStability.index(PopulationStability.histogram(stable, edges),
                PopulationStability.histogram(candidate, edges)).value();
    }

    /** @return the model, or "" if unknown (measured from no pairs) */
    public String model() {
        return model;
    }

    /** @return the stable (serving) version, or "" if unknown */
    public String stableVersion() {
        return stableVersion;
    }

    /** @return the candidate (shadowed or replayed) version, or "" if unknown */
    public String candidateVersion() {
        return candidateVersion;
    }

    /** @return shadow calls that answered a valid output */
    public long successes() {
        return successes;
    }

    /** @return shadow calls that threw */
    public long errors() {
        return errors;
    }

    /** @return shadow calls that exceeded their timeout */
    public long timeouts() {
        return timeouts;
    }

    /** @return shadow calls whose output failed validation (NaN, out of range, ...) */
    public long invalidOutputs() {
        return invalidOutputs;
    }

    /** @return shadow calls that ran: successes + errors + timeouts + invalid outputs */
    public long calls() {
        return successes + errors + timeouts + invalidOutputs;
    }

    /** @return outputs compared with the stable version's */
    public long comparisons() {
        return comparisons;
    }

    /** @return comparisons that matched */
    public long matches() {
        return matches;
    }

    /** @return primary-path requests where the canary failed and the stable version answered */
    public long fallbacks() {
        return fallbacks;
    }

    /** @return answers served to a caller from a shadow call: 0 in a correct router */
    public long servedFromShadow() {
        return servedFromShadow;
    }

    /** @return the stable version's latency quantiles */
    public LatencySummary stableLatency() {
        return stableLatency;
    }

    /** @return the candidate's latency quantiles */
    public LatencySummary candidateLatency() {
        return candidateLatency;
    }

    /** @return the distribution of score deltas (candidate - stable) */
    public DeltaSummary scoreDelta() {
        return scoreDelta;
    }

    /** @return the PSI of the candidate's scores against the stable version's, or NaN */
    public double psi() {
        return psi;
    }

    /** @return how many score pairs the PSI was computed on (0 when it is NaN) */
    public long psiSamples() {
        return psiSamples;
    }

    /** @return the candidate's policy violations ({@link ViolationCounts#NONE}: not checked) */
    public ViolationCounts violations() {
        return violations;
    }

    /** @return cost per call of both versions ({@link CostComparison#NONE}: not measured) */
    public CostComparison cost() {
        return cost;
    }

    /** @return the per-segment spot-check ({@link FairnessCheck#NONE}: no segments) */
    public FairnessCheck fairness() {
        return fairness;
    }

    /** @return matches / comparisons, or NaN without comparisons */
    public double matchRate() {
        return comparisons == 0 ? Double.NaN : (double) matches / comparisons;
    }

    /**
     * These measurements as a rollout's shadow-phase evidence (seed 000 §2.2, §3.2): calls,
     * failures (errors, timeouts, invalid outputs), comparisons and matches, both p95 latencies,
     * the mean score delta and, when measured, both versions' cost per call. A rollout plan's
     * {@code ShadowPhase} judges its exit criteria (cost v1 vs v2 among them) on stored pairs
     * with a {@code ShadowEvidenceSource} such as
     * {@code (model, v) -> ShadowMeasurements.reader().costField("cost").measure(pairs).evidence()}
     * (the live router's statistics carry no cost).
     *
     * @return the evidence; NaN for what was not measured
     */
    public ShadowEvidence evidence() {
        boolean costs = cost.isMeasured();
        return new ShadowEvidence(calls(), errors + timeouts + invalidOutputs, comparisons,
                matches, stableLatency.count() == 0 ? Double.NaN : stableLatency.p95Ms(),
                candidateLatency.count() == 0 ? Double.NaN : candidateLatency.p95Ms(),
                scoreDelta.n() == 0 ? Double.NaN : scoreDelta.mean(),
                costs ? cost.stablePerCall() : Double.NaN,
                costs ? cost.candidatePerCall() : Double.NaN);
    }

    /**
     * @return (errors + timeouts + invalid outputs + fallbacks) / calls, or NaN without calls
     */
    public double failureRate() {
        long calls = calls();
        return calls == 0 ? Double.NaN
                : (double) (errors + timeouts + invalidOutputs + fallbacks) / calls;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof ShadowMeasurements)) {
            return false;
        }
        ShadowMeasurements m = (ShadowMeasurements) o;
        return model.equals(m.model) && stableVersion.equals(m.stableVersion)
                && candidateVersion.equals(m.candidateVersion) && successes == m.successes
                && errors == m.errors && timeouts == m.timeouts
                && invalidOutputs == m.invalidOutputs && comparisons == m.comparisons
                && matches == m.matches && fallbacks == m.fallbacks
                && servedFromShadow == m.servedFromShadow
                && stableLatency.equals(m.stableLatency)
                && candidateLatency.equals(m.candidateLatency)
                && scoreDelta.equals(m.scoreDelta) && Double.compare(psi, m.psi) == 0
                && psiSamples == m.psiSamples && violations.equals(m.violations)
                && cost.equals(m.cost) && fairness.equals(m.fairness);
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, stableVersion, candidateVersion, successes, errors, timeouts,
                invalidOutputs, comparisons, matches, fallbacks, servedFromShadow, stableLatency,
                candidateLatency, scoreDelta, psi, psiSamples, violations, cost, fairness);
    }

    @Override
    public String toString() {
        return "ShadowMeasurements{" + model + " " + stableVersion + " -> " + candidateVersion
                + ", calls=" + calls() + " (success=" + successes + ", error=" + errors
                + ", timeout=" + timeouts + ", invalid=" + invalidOutputs + "), matches="
                + matches + "/" + comparisons + ", fallbacks=" + fallbacks
                + ", servedFromShadow=" + servedFromShadow + ", stable=" + stableLatency
                + ", candidate=" + candidateLatency + ", delta=" + scoreDelta + ", psi=" + psi
                + " (n=" + psiSamples + "), violations=" + violations + ", cost=" + cost
                + ", fairness=" + fairness + "}";
    }

    /** A growable array of doubles. */
    private static final class Growable {
        private double[] values = new double[64];
        private int size;

        void add(double v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        double[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }

    /**
     * Builds {@link ShadowMeasurements}. Every count starts at 0, names at "", latencies at
     * {@link LatencySummary#EMPTY}, deltas at {@link DeltaSummary#EMPTY} and the PSI at NaN.
     * Setters validate their argument at once. Not thread-safe.
     */
    public static final class Builder {
        private String model = "";
        private String stableVersion = "";
        private String candidateVersion = "";
        private long successes;
        private long errors;
        private long timeouts;
        private long invalidOutputs;
        private long comparisons;
        private long matches;
        private long fallbacks;
        private long servedFromShadow;
        private LatencySummary stableLatency = LatencySummary.EMPTY;
        private LatencySummary candidateLatency = LatencySummary.EMPTY;
        private DeltaSummary scoreDelta = DeltaSummary.EMPTY;
        private double psi = Double.NaN;
        private long psiSamples;
        private ViolationCounts violations = ViolationCounts.NONE;
        private CostComparison cost = CostComparison.NONE;
        private FairnessCheck fairness = FairnessCheck.NONE;

        private Builder() {}

        /**
         * @param v the candidate's policy violations
         * @return this builder
         * @throws NullPointerException if v is null
         */
        public Builder violations(ViolationCounts v) {
            this.violations = Objects.requireNonNull(v, "violations");
            return this;
        }

        /**
         * @param v cost per call of both versions (e.g. from the router's per-arm
         *     {@code cost_per_call})
         * @return this builder
         * @throws NullPointerException if v is null
         */
        public Builder cost(CostComparison v) {
            this.cost = Objects.requireNonNull(v, "cost");
            return this;
        }

        /**
         * @param v the per-segment spot-check
         * @return this builder
         * @throws NullPointerException if v is null
         */
        public Builder fairness(FairnessCheck v) {
            this.fairness = Objects.requireNonNull(v, "fairness");
            return this;
        }

        /**
         * @param v the model
         * @return this builder
         */
        public Builder model(String v) {
            this.model = Objects.requireNonNull(v, "model");
            return this;
        }

        /**
         * @param v the stable version
         * @return this builder
         */
        public Builder stableVersion(String v) {
            this.stableVersion = Objects.requireNonNull(v, "stableVersion");
            return this;
        }

        /**
         * @param v the candidate version
         * @return this builder
         */
        public Builder candidateVersion(String v) {
            this.candidateVersion = Objects.requireNonNull(v, "candidateVersion");
            return this;
        }

        /**
         * @param v successful shadow calls, {@code >= 0}
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder successes(long v) {
            this.successes = count("successes", v);
            return this;
        }

        /**
         * @param v shadow calls that threw, {@code >= 0}
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder errors(long v) {
            this.errors = count("errors", v);
            return this;
        }

        /**
         * @param v shadow calls that timed out, {@code >= 0}
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder timeouts(long v) {
            this.timeouts = count("timeouts", v);
            return this;
        }

        /**
         * @param v shadow calls with an invalid output, {@code >= 0}
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder invalidOutputs(long v) {
            this.invalidOutputs = count("invalidOutputs", v);
            return this;
        }

        /**
         * @param v outputs compared, {@code >= 0}
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder comparisons(long v) {
            this.comparisons = count("comparisons", v);
            return this;
        }

        /**
         * @param v comparisons that matched, {@code >= 0} and at most the comparisons (checked by
         *     {@link #build()})
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder matches(long v) {
            this.matches = count("matches", v);
            return this;
        }

        /**
         * @param v primary-path fallbacks to the stable version, {@code >= 0}
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder fallbacks(long v) {
            this.fallbacks = count("fallbacks", v);
            return this;
        }

        /**
         * @param v answers served from a shadow call, {@code >= 0}
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder servedFromShadow(long v) {
            this.servedFromShadow = count("servedFromShadow", v);
            return this;
        }

        /**
         * @param v the stable version's latency quantiles
         * @return this builder
         */
        public Builder stableLatency(LatencySummary v) {
            this.stableLatency = Objects.requireNonNull(v, "stableLatency");
            return this;
        }

        /**
         * @param v the candidate's latency quantiles
         * @return this builder
         */
        public Builder candidateLatency(LatencySummary v) {
            this.candidateLatency = Objects.requireNonNull(v, "candidateLatency");
            return this;
        }

        /**
         * @param v the score-delta distribution
         * @return this builder
         */
        public Builder scoreDelta(DeltaSummary v) {
            this.scoreDelta = Objects.requireNonNull(v, "scoreDelta");
            return this;
        }

        /**
         * @param value the PSI, {@code >= 0}, or NaN if not computed
         * @param samples the score pairs it was computed on, {@code >= 0}
         * @return this builder
         * @throws IllegalArgumentException if the value is negative or infinite, or the sample
         *     count is negative
         */
        public Builder psi(double value, long samples) {
            if (!Double.isNaN(value) && !(value >= 0 && value < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException(
                        "psi must be a finite number >= 0, or NaN, but was " + value);
            }
            this.psiSamples = count("psi samples", samples);
            this.psi = value;
            return this;
        }

        /**
         * @return the measurements
         * @throws IllegalArgumentException if matches exceed comparisons
         */
        public ShadowMeasurements build() {
            if (matches > comparisons) {
                throw new IllegalArgumentException("matches must be <= comparisons, but were "
                        + matches + " and " + comparisons);
            }
            return new ShadowMeasurements(this);
        }

        private static long count(String name, long v) {
            if (v < 0) {
                throw new IllegalArgumentException(name + " must be >= 0, but was " + v);
            }
            return v;
        }
    }
}
