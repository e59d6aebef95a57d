package dev.releaserouter.rollout.gates;

import dev.releaserouter.api.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A parsed, validated gate policy file (format in {@code docs/gates.md}): minimum window and
 * samples, named params, arm aliases and criteria. Evaluate it with {@link PolicyEvaluator}.
 *
 * <p>Immutable and thread-safe. Not intended for external implementation.
 */
public final class Policy {

    /** The largest policy file accepted, in bytes (256 KiB; a policy is typically 1 to 5 KB). */
    public static final int MAX_SIZE_BYTES = PolicyParser.MAX_SIZE_BYTES;

    /**
     * A criterion's {@code confidence} when the file gives none: a comparison of a metric with a
     * threshold is decided on the metric's one-sided 95% bounds (see {@code docs/gates.md},
     * "Sampling error").
     */
    public static final double DEFAULT_CONFIDENCE = PolicyParser.DEFAULT_CONFIDENCE;

    private final ParsedPolicy parsed;

    private Policy(ParsedPolicy parsed) {
        this.parsed = parsed;
    }

    /** The syntax of a policy file. Both carry the same fields, see {@code docs/gates.md}. */
    public enum Format {
        /** JSON (RFC 8259). */
        JSON,
        /**
         * YAML 1.2; needs {@code tools.jackson.dataformat:jackson-dataformat-yaml} on the
         * classpath (an optional dependency of router-core).
         */
        YAML;

        /**
         * The format a file name implies: YAML for names ending in {@code .yaml} or
         * {@code .yml} (any case), JSON otherwise.
         *
         * @param name a file name, path, URI or resource name
         * @return the format
         * @throws NullPointerException if name is null
         */
        public static Format of(String name) {
            String n = name.toLowerCase(java.util.Locale.ROOT);
            return n.endsWith(".yaml") || n.endsWith(".yml") ? YAML : JSON;
        }
    }

    /**
     * Parses a policy from the file's bytes, in the format its source name implies
     * ({@link Format#of(String)}: YAML for {@code .yaml}/{@code .yml}, else JSON).
     *
     * @param utf8 the file's bytes, UTF-8 (a byte order mark is allowed)
     * @param source names the file in errors and verdicts, e.g. {@code file:/etc/gates.json}
     * @return the policy
     * @throws ConfigException naming {@code source}, the JSON pointer and the bad value if the
     *     file is larger than {@link #MAX_SIZE_BYTES}, is not well-formed, has an unknown or
     *     missing field, a bad severity or number, an unknown param or function, a malformed metric
     *     reference or unbalanced parentheses (with the column)
     * @throws NullPointerException if an argument is null
     */
    public static Policy parse(byte[] utf8, String source) {
        return parse(utf8, source, Format.of(source));
    }

    /**
     * Parses a policy from the file's bytes in the given format. The digest covers the bytes
     * as given, so the same policy in JSON and in YAML has two digests.
     *
     * @param utf8 the file's bytes, UTF-8 (a byte order mark is allowed)
     * @param source names the file in errors and verdicts
     * @param format JSON or YAML
     * @return the policy
     * @throws ConfigException as {@link #parse(byte[], String)}, and for YAML when
     *     {@code jackson-dataformat-yaml} is not on the classpath
     * @throws NullPointerException if an argument is null
     */
    public static Policy parse(byte[] utf8, String source, Format format) {
        Objects.requireNonNull(format, "format");
        return new Policy(PolicyParser.parse(utf8, source, format == Format.YAML));
    }

    /**
     * Reads and parses a policy file, YAML if its name ends in {@code .yaml} or {@code .yml},
     * JSON otherwise.
     *
     * @param file the file
     * @return the policy
     * @throws ConfigException if the file is invalid, see {@link #parse(byte[], String)}
     * @throws UncheckedIOException if the file cannot be read
     */
    public static Policy load(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            long size = Files.size(file);
            if (size > MAX_SIZE_BYTES) { // refused before it is read into memory
                throw new ConfigException(file.toUri().toString(), "", null, "the policy file has "
                        + size + " bytes, more than the " + MAX_SIZE_BYTES + " a policy may have",
                        null);
            }
            return parse(Files.readAllBytes(file), file.toUri().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read policy file " + file, e);
        }
    }

    /**
     * Reads and parses a policy from the classpath, YAML if its name ends in {@code .yaml} or
     * {@code .yml}, JSON otherwise.
     *
     * @param resource the resource name, e.g. {@code gates/promotion.json}
     * @param loader the class loader to read it from
     * @return the policy
     * @throws ConfigException if the resource is missing or invalid
     * @throws UncheckedIOException if the resource cannot be read
     */
    public static Policy fromClasspath(String resource, ClassLoader loader) {
        String source = "classpath:" + resource;
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ConfigException(source, "", null, "no such resource", null);
            }
            return parse(in.readAllBytes(), source);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read policy " + source, e);
        }
    }

    /**
     * The SHA-256 of a policy file's canonical bytes, as recorded in verdicts: the bytes with a
     * leading UTF-8 byte order mark removed and CR LF line ends turned into LF (so for an LF
     * file without a BOM it equals {@code sha256sum file}).
     *
     * @param utf8 the file's bytes
     * @return 64 lowercase hex digits
     */
    public static String digestOf(byte[] utf8) {
        return PolicyParser.digest(utf8);
    }

    /**
     * Where the policy came from.
     *
     * @return the source given to {@link #parse}
     */
    public String source() {
        return parsed.source();
    }

    /**
     * The policy's name ({@code name} in the file, else the source).
     *
     * @return the name
     */
    public String name() {
        return parsed.name();
    }

    /**
     * SHA-256 hex of the file's canonical bytes, see {@link #digestOf(byte[])}.
     *
     * @return the digest
     */
    public String digest() {
        return parsed.digest();
    }

    /**
     * The shortest window that may give a verdict other than HOLD.
     *
     * @return {@code min_window}, zero when absent
     */
    public Duration minWindow() {
        return parsed.minWindow();
    }

    /**
     * The default minimum samples per arm.
     *
     * @return {@code min_samples}, zero when absent
     */
    public long minSamples() {
        return parsed.minSamples();
    }

    /**
     * The named constants, flattened to dotted names.
     *
     * @return an unmodifiable map
     */
    public Map<String, Double> params() {
        return parsed.params();
    }

    /**
     * The arm aliases, e.g. {@code v2 -> candidate}.
     *
     * @return an unmodifiable map
     */
    public Map<String, String> aliases() {
        return parsed.aliases();
    }

    /**
     * The metrics the policy reads from external sources (its {@code metrics} object), e.g. a
     * PromQL query; see {@link ExternalMetric} and {@link ExternalMetrics}.
     *
     * @return the metrics by name, in file order; unmodifiable, empty when the file has none
     */
    public Map<String, ExternalMetric> externalMetrics() {
        return parsed.externalMetrics();
    }

    /**
     * The criteria's names in file order.
     *
     * @return an unmodifiable list
     */
    public List<String> criterionNames() {
        return parsed.criteria().stream().map(Criterion::name).toList();
    }

    /**
     * The metrics one criterion reads, as {@code arm.metric} with canonical arm names
     * ({@code stable}, {@code candidate}; aliases resolved): an expression's references, a
     * statistical or {@code psi} criterion's metric on both arms, a {@code relative_increase}'s
     * metric on the candidate and its baseline arm. Useful to tell which criteria depend on a
     * measurement that a particular input cannot provide.
     *
     * @param criterion the criterion's name
     * @return the metrics in reading order, without duplicates; unmodifiable
     * @throws IllegalArgumentException if the policy has no such criterion
     * @throws NullPointerException if criterion is null
     */
    public Set<String> metricsRead(String criterion) {
        Objects.requireNonNull(criterion, "criterion");
        for (Criterion c : parsed.criteria()) {
            if (c.name().equals(criterion)) {
                Set<String> out = new LinkedHashSet<>();
                for (Expr.Ref r : PolicyMetrics.read(c.check())) {
                    out.add(r.arm() + "." + r.metric());
                }
                return Collections.unmodifiableSet(out);
            }
        }
        throw new IllegalArgumentException("no criterion named " + criterion
                + "; the criteria are " + criterionNames());
    }

    /**
     * Checks that the measurements described by {@code catalog} provide every metric the
     * policy reads, in the way each criterion reads it (a value, a histogram, counts or a
     * variance). Call it when loading a policy for a known measurement source, e.g.
     * {@code Policy.load(file).requireMetrics(SnapshotGateInput.METRICS)};
     * {@code RolloutPlan.Builder#build()} calls it with the router's own measurements. A
     * policy evaluated on an input that does not know a metric would otherwise fail (or stay
     * NOT_ENOUGH_DATA) on every evaluation.
     *
     * @param catalog what the measurements provide
     * @return this policy
     * @throws ConfigException naming the policy's source, the JSON pointer of the first
     *     criterion that reads an unknown metric, its expression or metric as written, and
     *     the metrics the catalog knows
     * @throws NullPointerException if catalog is null
     */
    public Policy requireMetrics(MetricCatalog catalog) {
        PolicyMetrics.check(parsed, Objects.requireNonNull(catalog, "catalog"));
        return this;
    }

    ParsedPolicy parsed() {
        return parsed;
    }

    @Override
    public String toString() {
        return "Policy[" + name() + ", " + parsed.criteria().size() + " criteria, sha256="
                + digest() + "]";
    }
}
