package dev.releaserouter.replay.eval;

import dev.releaserouter.api.shadow.PolicyViolation;
import dev.releaserouter.api.shadow.ShadowOutcome;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The result of replaying a {@link StagingSuite} through a candidate (seed 001 §6,
 * {@code staging_report.json}: "latência/erro/recursos, amostras de requests válidos/invalidos
 * (sem PII)"): per case whether the version did what the case expects, the outcomes, the error
 * rate of the valid cases, latency quantiles, throughput, the JVM's resources over the run, the
 * policy violations, and a few masked samples of valid and invalid requests. Made by
 * {@code Replayer.staging(suite, masker)} ({@code dev.releaserouter.replay}) or {@link #of};
 * written by {@link #toJson()}. Immutable.
 *
 * <p>{@link #passed()} is true when every case met its expectation: a {@code valid} case was
 * answered validly ({@code SUCCESS}), an {@code invalid} case was refused ({@code ERROR} or
 * {@code INVALID_OUTPUT}; a {@code TIMEOUT} is never a refusal). Latency and SLO thresholds are
 * for the rollout's gates: the report gives the numbers.
 */
public final class StagingReport {

    /** The {@code schema_version} written by {@link #toJson()}. */
    public static final int SCHEMA_VERSION = 1;

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /**
     * One case's result. Holds no data: the error is an exception class or a validation problem.
     *
     * @param name the case's name
     * @param expect what the case expected
     * @param outcome what the version did
     * @param latencyNanos the call's latency; -1 if it timed out
     * @param error the exception class or validation problem, or null
     * @param violations policies the output broke (empty if none or no output)
     */
    public record CaseResult(String name, StagingSuite.Expect expect, ShadowOutcome outcome,
            long latencyNanos, @Nullable String error, List<PolicyViolation> violations) {

        /** @throws NullPointerException if a non-nullable argument is null */
        public CaseResult {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(expect, "expect");
            Objects.requireNonNull(outcome, "outcome");
            violations = List.copyOf(violations);
        }

        /** @return whether the version did what the case expects */
        public boolean passed() {
            return expect == StagingSuite.Expect.VALID ? outcome == ShadowOutcome.SUCCESS
                    : outcome == ShadowOutcome.ERROR || outcome == ShadowOutcome.INVALID_OUTPUT;
        }
    }

    /**
     * A masked sample of a request and what the version did with it.
     *
     * @param name the case's name
     * @param inputJson the masked input
     * @param outputJson the masked output, or null if none
     * @param outcome what the version did
     * @param error the exception class or validation problem, or null
     */
    public record Sample(String name, String inputJson, @Nullable String outputJson,
            ShadowOutcome outcome, @Nullable String error) {}

    /**
     * What the JVM used over the run (process-wide: other work in the JVM counts too).
     *
     * @param processCpuMillis process CPU time spent during the run; empty if the JVM does not
     *     report it
     * @param heapUsedMbBefore heap in use before the run, MiB
     * @param heapUsedMbAfter heap in use after the run, MiB
     * @param wallMillis the run's duration by the replayer's ticker
     */
    public record Resources(OptionalDouble processCpuMillis, double heapUsedMbBefore,
            double heapUsedMbAfter, double wallMillis) {}

    private final String suite;
    private final String version;
    private final Instant startedAt;
    private final List<CaseResult> results;
    private final List<Sample> validSamples;
    private final List<Sample> invalidSamples;
    private final Resources resources;

    private StagingReport(String suite, String version, Instant startedAt,
            List<CaseResult> results, List<Sample> validSamples, List<Sample> invalidSamples,
            Resources resources) {
        this.suite = Objects.requireNonNull(suite, "suite");
        this.version = Objects.requireNonNull(version, "version");
        this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
        this.results = List.copyOf(results);
        this.validSamples = List.copyOf(validSamples);
        this.invalidSamples = List.copyOf(invalidSamples);
        this.resources = Objects.requireNonNull(resources, "resources");
    }

    /**
     * A report of results measured elsewhere ({@code Replayer.staging} makes them).
     *
     * @param suite the suite's name
     * @param version the version that ran it
     * @param startedAt when the run started
     * @param results every case's result, in suite order
     * @param validSamples masked samples of requests answered validly
     * @param invalidSamples masked samples of refused requests
     * @param resources what the JVM used over the run
     * @return the report
     * @throws NullPointerException if an argument is null
     */
    public static StagingReport of(String suite, String version, Instant startedAt,
            List<CaseResult> results, List<Sample> validSamples, List<Sample> invalidSamples,
            Resources resources) {
        return new StagingReport(suite, version, startedAt, results, validSamples,
                invalidSamples, resources);
    }

    /** @return the suite's name */
    public String suite() {
        return suite;
    }

    /** @return the replayed version */
    public String version() {
        return version;
    }

    /** @return when the run started (the replayer's clock) */
    public Instant startedAt() {
        return startedAt;
    }

    /** @return every case's result, in suite order */
    public List<CaseResult> results() {
        return results;
    }

    /** @return whether every case met its expectation */
    public boolean passed() {
        return results.stream().allMatch(CaseResult::passed);
    }

    /** @return the cases that did not meet their expectation */
    public List<CaseResult> failures() {
        return results.stream().filter(r -> !r.passed()).toList();
    }

    /** @return calls by outcome (every outcome present, 0 if none) */
    public Map<ShadowOutcome, Long> outcomes() {
        Map<ShadowOutcome, Long> m = new EnumMap<>(ShadowOutcome.class);
        for (ShadowOutcome o : ShadowOutcome.values()) {
            m.put(o, 0L);
        }
        results.forEach(r -> m.merge(r.outcome(), 1L, Long::sum));
        return m;
    }

    /**
     * @return the share of {@code valid} cases that were not answered validly (error, timeout,
     *     invalid output); NaN without valid cases
     */
    public double errorRate() {
        long valid = 0;
        long bad = 0;
        for (CaseResult r : results) {
            if (r.expect() == StagingSuite.Expect.VALID) {
                valid++;
                bad += r.outcome() == ShadowOutcome.SUCCESS ? 0 : 1;
            }
        }
        return valid == 0 ? Double.NaN : (double) bad / valid;
    }

    /** @return latency quantiles of the calls that did not time out (R type 7) */
    public LatencySummary latency() {
        return LatencySummary.ofNanos(results.stream().mapToLong(CaseResult::latencyNanos)
                .filter(n -> n >= 0).toArray());
    }

    /** @return calls per second of wall time over the run; NaN if the run took no time */
    public double callsPerSecond() {
        return resources.wallMillis() <= 0 ? Double.NaN
                : results.size() * 1000.0 / resources.wallMillis();
    }

    /** @return the JVM's resources over the run */
    public Resources resources() {
        return resources;
    }

    /** @return policy violations of the outputs (every case counts as checked) */
    public ViolationCounts violations() {
        ViolationCounts.Tally tally = new ViolationCounts.Tally();
        results.forEach(r -> tally.add(r.violations()));
        return tally.counts();
    }

    /** @return masked samples of valid requests answered validly */
    public List<Sample> validSamples() {
        return validSamples;
    }

    /** @return masked samples of requests that were refused (error or invalid output) */
    public List<Sample> invalidSamples() {
        return invalidSamples;
    }

    /**
     * {@code staging_report.json}: UTF-8 JSON, two-space indented, {@code \n} line ends and a
     * final one, fields in a fixed order (documented in {@code docs/shadow.md}); numbers that
     * are not finite are {@code null}.
     *
     * @return the JSON text
     */
    public String toJson() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema_version", SCHEMA_VERSION);
        root.put("suite", suite);
        root.put("version", version);
        root.put("started_at", startedAt.toString());
        root.put("verdict", passed() ? "PASS" : "FAIL");
        root.put("cases", results.size());
        root.put("passed", results.size() - failures().size());
        root.put("failed", failures().size());
        ObjectNode outcomes = root.putObject("outcomes");
        outcomes().forEach((o, n) -> outcomes.put(o.name().toLowerCase(Locale.ROOT), n));
        EvaluationJson.number(root, "error_rate", errorRate());
        LatencySummary l = latency();
        ObjectNode latency = root.putObject("latency_ms");
        latency.put("count", l.count());
        EvaluationJson.number(latency, "p50", l.p50Ms());
        EvaluationJson.number(latency, "p95", l.p95Ms());
        EvaluationJson.number(latency, "p99", l.p99Ms());
        EvaluationJson.number(root, "calls_per_second", callsPerSecond());
        ObjectNode res = root.putObject("resources");
        EvaluationJson.number(res, "wall_ms", resources.wallMillis());
        EvaluationJson.number(res, "process_cpu_ms",
                resources.processCpuMillis().orElse(Double.NaN));
        EvaluationJson.number(res, "heap_used_mb_before", resources.heapUsedMbBefore());
        EvaluationJson.number(res, "heap_used_mb_after", resources.heapUsedMbAfter());
        EvaluationJson.violations(root.putObject("policy_violations"), violations());
        ArrayNode failures = root.putArray("failures");
        for (CaseResult r : failures()) {
            failures.addObject().put("name", r.name())
                    .put("expect", r.expect().name().toLowerCase(Locale.ROOT))
                    .put("outcome", r.outcome().name().toLowerCase(Locale.ROOT))
                    .put("error", r.error());
        }
        ObjectNode samples = root.putObject("samples");
        samples(samples.putArray("valid"), validSamples);
        samples(samples.putArray("invalid"), invalidSamples);
        return EvaluationJson.pretty(root);
    }

    private static void samples(ArrayNode to, List<Sample> samples) {
        for (Sample s : samples) {
            ObjectNode o = to.addObject();
            o.put("name", s.name());
            o.set("input", embed(s.inputJson()));
            o.set("output", s.outputJson() == null ? MAPPER.nullNode() : embed(s.outputJson()));
            o.put("outcome", s.outcome().name().toLowerCase(Locale.ROOT));
            o.put("error", s.error());
        }
    }

    private static JsonNode embed(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (RuntimeException e) {
            return MAPPER.getNodeFactory().stringNode(json); // a masker's output is JSON
        }
    }

    @Override
    public String toString() {
        return "StagingReport{" + suite + " on " + version + ": " + (passed() ? "PASS" : "FAIL")
                + ", " + results.size() + " cases, " + failures().size() + " failed}";
    }
}
