package dev.releaserouter.replay;

import dev.releaserouter.api.shadow.Comparison;
import dev.releaserouter.api.shadow.OutputValidator;
import dev.releaserouter.api.shadow.PairMasker;
import dev.releaserouter.api.shadow.ShadowComparator;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.api.shadow.ShadowPair;
import dev.releaserouter.replay.eval.ShadowCriteria;
import dev.releaserouter.rollout.gates.Policy;
import dev.releaserouter.replay.eval.ShadowEvaluation;
import dev.releaserouter.replay.eval.ShadowMeasurements;
import dev.releaserouter.replay.eval.StagingReport;
import dev.releaserouter.replay.eval.StagingSuite;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Replays stored shadow pairs offline: runs each pair's masked input through a chosen version,
 * compares the new output with the pair's stored stable output, and judges the result against
 * a gate {@link Policy} (the shadow SLA by default, or {@link ShadowCriteria}), as a
 * {@link ShadowEvaluation} (written as {@code shadow_eval.json} by
 * {@link ShadowEvaluation#toJson()}).
 *
 * <pre>{@code
 * Replayer<JsonNode> replayer = Replayer.<JsonNode>builder()
 *         .target("v3", new ChurnV3Target())
 *         .scoreField("score")
 *         .tolerance(0.02)
 *         .build();
 * try (Stream<ShadowPair> pairs = JsonlPairStore.read(Path.of("/var/lib/app/pairs"))) {
 *     ShadowEvaluation eval = replayer.run(pairs);
 *     Files.writeString(Path.of("shadow_eval.json"), eval.toJson());
 * }
 * }</pre>
 *
 * <p>For each pair, {@link #run(Stream)}:
 *
 * <ol>
 *   <li>parses the stored input and calls the target on a worker thread, at most
 *       {@linkplain Builder#timeout(Duration) timeout} long (default 5 s); the latency is read
 *       from the {@linkplain Builder#ticker(LongSupplier) ticker} around the call;
 *   <li>classifies the call: {@code TIMEOUT} if it ran out of time (it is interrupted and
 *       abandoned), {@code ERROR} if it threw, {@code INVALID_OUTPUT} if it returned null, a
 *       NaN or infinite number anywhere in the output, an output the decoder rejects or one the
 *       {@linkplain Builder#validator(OutputValidator) validator} rejects, else {@code SUCCESS};
 *   <li>compares a successful output with the stored stable output: with the
 *       {@linkplain Builder#comparator(ShadowComparator) comparator} if one is set (both sides
 *       decoded to {@code O}), else by JSON equality where numbers are equal when within the
 *       {@linkplain Builder#tolerance(double) tolerance} (default 0), with the score delta (see
 *       {@link ShadowMeasurements#scoreOf(String, String)}) when both outputs are scores;
 *   <li>measures the replayed pairs with {@link ShadowMeasurements#fromPairs(Iterable, String,
 *       int)}: the candidate is the target version, the stable latencies are the stored ones.
 * </ol>
 *
 * <p>The candidate's latencies are measured offline, where the target runs, while the stable
 * latencies were measured in production: the p95 criterion compares like with like only when
 * the replay runs on comparable hardware. {@link #evaluateStored(Stream)} judges the stored
 * candidate outputs instead, without calling anything.
 *
 * <p>Thread-safe: immutable; each run has its own workers, so runs may overlap. The ticker must
 * be thread-safe, as it is read on worker threads.
 *
 * @param <O> the output type the comparator and validator work on
 */
public final class Replayer<O> {

    /** Default per-call time limit: 5 s, the shadow timeout of the SLA. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final double MIB = 1024.0 * 1024.0;

    private final @Nullable String targetVersion;
    private final @Nullable ReplayTarget target;
    private final @Nullable ShadowComparator<O> comparator;
    private final @Nullable OutputValidator<O> validator;
    private final @Nullable Function<? super JsonNode, ? extends O> decoder;
    private final Policy policy;
    private final @Nullable String scoreField;
    private final double tolerance;
    private final int psiBins;
    private final Duration timeout;
    private final LongSupplier ticker;
    private final @Nullable String costField;
    private final Clock clock;
    private final int maxSamples;

    private Replayer(Builder<O> b) {
        this.targetVersion = b.targetVersion;
        this.target = b.target;
        this.comparator = b.comparator;
        this.validator = b.validator;
        this.decoder = b.decoder;
        this.policy = b.policy;
        this.scoreField = b.scoreField;
        this.tolerance = b.tolerance;
        this.psiBins = b.psiBins;
        this.timeout = b.timeout;
        this.ticker = b.ticker;
        this.costField = b.costField;
        this.clock = b.clock;
        this.maxSamples = b.maxSamples;
    }

    /**
     * @param <O> the output type of the comparator and validator ({@link JsonNode} if neither
     *     is set)
     * @return a new builder
     */
    public static <O> Builder<O> builder() {
        return new Builder<>();
    }

    /**
     * Replays the pairs through the target and evaluates the target's outputs, as described on
     * the class. Pairs are processed one at a time as the stream yields them; the stream is not
     * closed.
     *
     * @param pairs stored pairs of one model and one stable version
     * @return the evaluation of the target version
     * @throws IllegalStateException if no target was set, or if so many calls hung without
     *     responding to interruption that the replay stopped (see {@link TimedCalls})
     * @throws IllegalArgumentException if the pairs mix models or stable versions, or a stored
     *     input is not valid JSON
     * @throws CancellationException if the calling thread is interrupted
     */
    public ShadowEvaluation run(Stream<ShadowPair> pairs) {
        ReplayTarget t = target;
        String version = targetVersion;
        if (t == null || version == null) {
            throw new IllegalStateException("no target to replay: set one with"
                    + " target(version, target), or use evaluateStored(pairs)");
        }
        try (TimedCalls calls = new TimedCalls(t, timeout.toNanos(), ticker)) {
            Iterator<ShadowPair> replayed = pairs.map(p -> replay(p, version, calls))
                    .iterator();
            return evaluate(() -> replayed);
        }
    }

    /**
     * Evaluates the candidate outputs stored in the pairs as they are: nothing is called, and
     * no comparator, validator or target is used. The stream is not closed.
     *
     * @param pairs stored pairs of one model, one stable and one candidate version
     * @return the evaluation of the stored candidate version
     * @throws IllegalArgumentException if the pairs mix models or versions
     */
    public ShadowEvaluation evaluateStored(Stream<ShadowPair> pairs) {
        Iterator<ShadowPair> stored = pairs.iterator();
        return evaluate(() -> stored);
    }

    private ShadowEvaluation evaluate(Iterable<ShadowPair> pairs) {
        return ShadowEvaluation.evaluate(ShadowMeasurements.reader().scoreField(scoreField)
                .psiBins(psiBins).costField(costField).measure(pairs), policy);
    }

    /**
     * Replays a staging suite through the target (seed 001 §6, {@code staging_report.json}):
     * each case's input is called as in {@link #run(Stream)} (timeout, validator, decoder) and
     * classified; the report says whether each case met its expectation and gives the error
     * rate, latencies, throughput, the JVM's resources over the run, policy violations, and up
     * to {@link Builder#maxSamples(int)} masked samples of valid and of refused requests. Cases
     * run one at a time, in order.
     *
     * @param suite the suite
     * @param masker masks the sampled inputs and outputs (e.g. {@code Masker}); a sample it
     *     cannot mask is left out
     * @return the report; write it with {@link StagingReport#toJson()}
     * @throws IllegalStateException if no target was set, or too many calls hung (see
     *     {@link #run(Stream)})
     * @throws CancellationException if the calling thread is interrupted
     * @throws NullPointerException if an argument is null
     */
    public StagingReport staging(StagingSuite suite, PairMasker masker) {
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(masker, "masker");
        ReplayTarget t = target;
        String version = targetVersion;
        if (t == null || version == null) {
            throw new IllegalStateException("no target to run the staging suite against: set"
                    + " one with target(version, target)");
        }
        Instant started = clock.instant();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        double heapBefore = memory.getHeapMemoryUsage().getUsed() / MIB;
        long cpuBefore = processCpuNanos();
        long t0 = ticker.getAsLong();
        List<StagingReport.CaseResult> results = new ArrayList<>();
        List<StagingReport.Sample> valid = new ArrayList<>();
        List<StagingReport.Sample> refused = new ArrayList<>();
        try (TimedCalls calls = new TimedCalls(t, timeout.toNanos(), ticker)) {
            for (StagingSuite.Case c : suite.cases()) {
                ShadowPair asked = ShadowPair.builder().time(started).model(suite.name())
                        .stableVersion("").candidateVersion(version).entityKeyHash("")
                        .inputJson(MAPPER.writeValueAsString(c.input()))
                        .outcome(ShadowOutcome.SUCCESS).build();
                ShadowPair r = replay(asked, version, calls);
                results.add(new StagingReport.CaseResult(c.name(), c.expect(), r.outcome(),
                        r.candidateLatencyNanos().orElse(-1), r.error(),
                        r.violations().orElse(List.of())));
                boolean answered = r.outcome() == ShadowOutcome.SUCCESS;
                List<StagingReport.Sample> to = answered ? valid
                        : r.outcome() == ShadowOutcome.TIMEOUT ? null : refused;
                if (to != null && to.size() < maxSamples) {
                    StagingReport.Sample s = sample(masker, c, r);
                    if (s != null) {
                        to.add(s);
                    }
                }
            }
        }
        double wallMs = Math.max(0, ticker.getAsLong() - t0) / 1e6;
        long cpuAfter = processCpuNanos();
        return StagingReport.of(suite.name(), version, started, results, valid, refused,
                new StagingReport.Resources(cpuBefore < 0 || cpuAfter < 0 ? OptionalDouble.empty()
                        : OptionalDouble.of((cpuAfter - cpuBefore) / 1e6), heapBefore,
                        memory.getHeapMemoryUsage().getUsed() / MIB, wallMs));
    }

    /** A masked sample, or null if the masker failed (user code: contained). */
    private static StagingReport.@Nullable Sample sample(PairMasker masker, StagingSuite.Case c,
            ShadowPair r) {
        try {
            String output = r.candidateOutputJson();
            return new StagingReport.Sample(c.name(), masker.maskValue(c.input()),
                    output == null ? null : masker.maskValue(MAPPER.readTree(output)),
                    r.outcome(), r.error());
        } catch (Throwable e) {
            if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                throw (VirtualMachineError) e;
            }
            return null;
        }
    }

    /** @return the process's CPU time in ns, or -1 if the JVM does not report it */
    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os =
                ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean s
                ? s.getProcessCpuTime() : -1;
    }

    private ShadowPair replay(ShadowPair stored, String version, TimedCalls calls) {
        JsonNode input;
        try {
            input = MAPPER.readTree(stored.inputJson());
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the stored input of the pair of model '"
                    + stored.model() + "' at " + stored.time() + " is not valid JSON", e);
        }
        TimedCalls.Attempt a = calls.call(input);
        ShadowPair.Builder out = ShadowPair.builder()
                .time(stored.time())
                .model(stored.model())
                .stableVersion(stored.stableVersion())
                .candidateVersion(version)
                .entityKeyHash(stored.entityKeyHash())
                .inputJson(stored.inputJson())
                .stableOutputJson(stored.stableOutputJson())
                .stableLatencyNanos(stored.stableLatencyNanos())
                .candidateLatencyNanos(a.latencyNanos)
                .tenant(stored.tenant())
                .region(stored.region())
                .channel(stored.channel());
        if (a.timedOut) {
            return out.outcome(ShadowOutcome.TIMEOUT)
                    .error("timeout after " + timeout.toMillis() + " ms").build();
        }
        if (a.error != null) {
            return out.outcome(ShadowOutcome.ERROR).error(a.error.getClass().getName()).build();
        }
        JsonNode output = a.output;
        @Nullable String problem = problem(output);
        @Nullable O decoded = null;
        if (problem == null && needsDecoding()) {
            try {
                decoded = decode(Objects.requireNonNull(output));
                problem = validator == null ? null : validator.problem(decoded);
                if (validator != null) {
                    out.violations(validator.violations(decoded));
                }
            } catch (RuntimeException e) {
                problem = "output not decodable (" + e.getClass().getName() + ")";
            }
        }
        if (problem != null || output == null) {
            return out.outcome(ShadowOutcome.INVALID_OUTPUT)
                    .error(problem == null ? "null output" : problem).build();
        }
        String outputJson = MAPPER.writeValueAsString(output);
        out.outcome(ShadowOutcome.SUCCESS).candidateOutputJson(outputJson);
        Comparison c = compare(stored.stableOutputJson(), output, outputJson, decoded);
        if (c != null) {
            out.match(c.match()).delta(c.delta().orElse(Double.NaN));
        }
        return out.build();
    }

    private boolean needsDecoding() {
        return comparator != null || validator != null;
    }

    private O decode(JsonNode node) {
        Function<? super JsonNode, ? extends O> d = Objects.requireNonNull(decoder);
        return d.apply(node);
    }

    /** @return why an output is invalid whatever the validator says, or null */
    private static @Nullable String problem(@Nullable JsonNode output) {
        if (output == null) {
            return "null output";
        }
        String at = JsonOutputs.nonFiniteNumber(output);
        return at == null ? null : "non-finite number at '" + at + "'";
    }

    /** @return the comparison, or null when the stable output is missing or unusable */
    private @Nullable Comparison compare(@Nullable String stableJson, JsonNode candidate,
            String candidateJson, @Nullable O decodedCandidate) {
        JsonNode stable;
        try {
            stable = stableJson == null ? null : MAPPER.readTree(stableJson);
        } catch (JacksonException e) {
            return null;
        }
        if (stable == null || JsonOutputs.nonFiniteNumber(stable) != null) {
            return null;
        }
        ShadowComparator<O> cmp = comparator;
        if (cmp == null) {
            OptionalDouble c = ShadowMeasurements.scoreOf(candidateJson, scoreField);
            OptionalDouble s = ShadowMeasurements.scoreOf(stableJson, scoreField);
            double delta = c.isPresent() && s.isPresent()
                    ? c.getAsDouble() - s.getAsDouble() : Double.NaN;
            return Comparison.of(JsonOutputs.equal(stable, candidate, tolerance), delta);
        }
        O decodedStable;
        try {
            decodedStable = decode(stable);
        } catch (RuntimeException e) {
            return null; // the stored stable output does not decode: nothing to compare with
        }
        if (validator != null && validator.problem(decodedStable) != null) {
            return null;
        }
        return cmp.compare(decodedStable, Objects.requireNonNull(decodedCandidate));
    }

    /**
     * Builds a {@link Replayer}. Not thread-safe.
     *
     * @param <O> the output type of the comparator and validator
     */
    public static final class Builder<O> {
        private @Nullable String targetVersion;
        private @Nullable ReplayTarget target;
        private @Nullable ShadowComparator<O> comparator;
        private @Nullable OutputValidator<O> validator;
        private @Nullable Function<? super JsonNode, ? extends O> decoder;
        private Policy policy = ShadowEvaluation.defaultPolicy();
        private @Nullable String scoreField;
        private double tolerance;
        private int psiBins = ShadowMeasurements.DEFAULT_PSI_BINS;
        private Duration timeout = DEFAULT_TIMEOUT;
        private LongSupplier ticker = System::nanoTime;
        private @Nullable String costField;
        private Clock clock = Clock.systemUTC();
        private int maxSamples = 5;

        private Builder() {}

        /**
         * @param field the output field holding a call's cost (a name, or a JSON pointer such as
         *     {@code /usage/cost}), compared between the versions in {@code shadow_eval.json};
         *     null (the default) for none
         * @return this builder
         */
        public Builder<O> costField(@Nullable String field) {
            this.costField = field;
            return this;
        }

        /**
         * @param clock the clock of a staging report's {@code started_at} (default UTC system)
         * @return this builder
         */
        public Builder<O> clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param n masked samples of valid and of refused requests a staging report keeps, 0 to
         *     100; default 5 each
         * @return this builder
         * @throws IllegalArgumentException if n is out of range
         */
        public Builder<O> maxSamples(int n) {
            if (n < 0 || n > 100) {
                throw new IllegalArgumentException("maxSamples must be between 0 and 100, but"
                        + " was " + n);
            }
            this.maxSamples = n;
            return this;
        }

        /**
         * Sets the version to replay; needed by {@link Replayer#run(Stream)} only.
         *
         * @param version its name, reported as the candidate version
         * @param target the callable
         * @return this builder
         * @throws IllegalArgumentException if the version is blank
         */
        public Builder<O> target(String version, ReplayTarget target) {
            if (version == null || version.isBlank()) {
                throw new IllegalArgumentException("target version must be non-blank, but was "
                        + (version == null ? "null" : "'" + version + "'"));
            }
            this.target = Objects.requireNonNull(target, "target");
            this.targetVersion = version;
            return this;
        }

        /**
         * Compares outputs with this comparator instead of JSON equality; needs a
         * {@linkplain #decoder(Function) decoder}. Exceptions it throws end the run.
         *
         * @param comparator compares the stable output (first) with the target's
         * @return this builder
         */
        public Builder<O> comparator(ShadowComparator<O> comparator) {
            this.comparator = Objects.requireNonNull(comparator, "comparator");
            return this;
        }

        /**
         * Checks the target's outputs (and the stored stable outputs before comparing); needs a
         * {@linkplain #decoder(Function) decoder}.
         *
         * @param validator returns a problem for an invalid output
         * @return this builder
         */
        public Builder<O> validator(OutputValidator<O> validator) {
            this.validator = Objects.requireNonNull(validator, "validator");
            return this;
        }

        /**
         * Turns JSON outputs into {@code O} for the comparator and validator. An exception it
         * throws on the target's output makes that output invalid.
         *
         * @param decoder the conversion
         * @return this builder
         */
        public Builder<O> decoder(Function<? super JsonNode, ? extends O> decoder) {
            this.decoder = Objects.requireNonNull(decoder, "decoder");
            return this;
        }

        /**
         * Decodes JSON outputs into {@code type} with Jackson data binding (e.g.
         * {@code Double.class}, a record, or {@code JsonNode.class}).
         *
         * @param type the output type
         * @return this builder
         */
        public Builder<O> outputType(Class<O> type) {
            Objects.requireNonNull(type, "type");
            this.decoder = node -> MAPPER.treeToValue(node, type);
            return this;
        }

        /**
         * Typed thresholds, replacing the policy: {@code policy(criteria.toPolicy())}.
         *
         * @param criteria the thresholds (default: {@link ShadowCriteria#defaults()})
         * @return this builder
         * @throws NullPointerException if criteria is null
         */
        public Builder<O> criteria(ShadowCriteria criteria) {
            this.policy = Objects.requireNonNull(criteria, "criteria").toPolicy();
            return this;
        }

        /**
         * The gate policy the pairs are judged by, replacing the thresholds.
         *
         * @param policy the policy (default: {@link ShadowEvaluation#defaultPolicy()}), e.g.
         *     {@code Policy.load(file).requireMetrics(ShadowEvaluation.METRICS)}
         * @return this builder
         * @throws NullPointerException if policy is null
         */
        public Builder<O> policy(Policy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * @param scoreField where the score is in object outputs (a field name, or a JSON
         *     pointer if it starts with {@code /}), or null (the default) for bare-number scores
         * @return this builder
         * @throws IllegalArgumentException if blank
         */
        public Builder<O> scoreField(@Nullable String scoreField) {
            if (scoreField != null && scoreField.isBlank()) {
                throw new IllegalArgumentException("scoreField must be non-blank or null, but"
                        + " was '" + scoreField + "'");
            }
            this.scoreField = scoreField;
            return this;
        }

        /**
         * @param tolerance how far apart two numbers may be and still match, in the default
         *     JSON comparison, {@code >= 0} (default 0)
         * @return this builder
         * @throws IllegalArgumentException if negative, infinite or NaN
         */
        public Builder<O> tolerance(double tolerance) {
            if (!(tolerance >= 0 && tolerance < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException(
                        "tolerance must be a finite number >= 0, but was " + tolerance);
            }
            this.tolerance = tolerance;
            return this;
        }

        /**
         * @param bins PSI bins, {@code >= 2} (default 10)
         * @return this builder
         * @throws IllegalArgumentException if below 2
         */
        public Builder<O> psiBins(int bins) {
            if (bins < 2) {
                throw new IllegalArgumentException("psiBins must be >= 2, but was " + bins);
            }
            this.psiBins = bins;
            return this;
        }

        /**
         * @param timeout the real-time limit of each target call (default 5 s)
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder<O> timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, but was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * @param ticker nanosecond time source for latencies (default {@code System::nanoTime});
         *     must be thread-safe
         * @return this builder
         */
        public Builder<O> ticker(LongSupplier ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * @return the replayer
         * @throws IllegalArgumentException if a comparator or validator is set without a decoder
         */
        public Replayer<O> build() {
            if ((comparator != null || validator != null) && decoder == null) {
                throw new IllegalArgumentException("a comparator or validator needs a decoder:"
                        + " set decoder(...) or outputType(...) to turn JSON outputs into the"
                        + " type they take");
            }
            return new Replayer<>(this);
        }
    }
}
