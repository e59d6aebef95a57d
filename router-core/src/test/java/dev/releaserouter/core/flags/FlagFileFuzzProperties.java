package dev.releaserouter.core.flags;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.core.flags.internal.FlagFileParser;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Fuzzing of the flag-file parser: any input (JSON near the schema with hostile numbers, strings
 * and nesting; mutated valid files; random bytes) either parses or throws a
 * {@link ConfigException}, never another throwable, within a time bound (2 s) and an allocation
 * bound (64 MB) per input. The bounds are generous guards against a hang or a blow-up (the bugs
 * of issue 12 took seconds to minutes, or gigabytes), not timing tests.
 */
class FlagFileFuzzProperties {

    static final long MAX_NANOS = 2_000_000_000L;
    static final long MAX_ALLOCATED_BYTES = 64L * 1024 * 1024;
    static final String SOURCE = "file:/fuzz/flags.json";

    private static final ThreadMXBean THREADS =
            (ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Parses and checks the outcome and the cost; returns whether it parsed. */
    static boolean parseWithinBounds(byte[] input) {
        long thread = Thread.currentThread().getId();
        long allocatedBefore = THREADS.getThreadAllocatedBytes(thread);
        long start = System.nanoTime();
        Throwable thrown = null;
        try {
            FlagFileParser.parse(input, SOURCE);
        } catch (Throwable t) {
            thrown = t;
        }
        long nanos = System.nanoTime() - start;
        long allocated = THREADS.getThreadAllocatedBytes(thread) - allocatedBefore;
        String shown = preview(input);
        if (thrown != null && !(thrown instanceof ConfigException)) {
            throw new AssertionError("not a ConfigException for " + shown, thrown);
        }
        if (thrown != null) {
            ConfigException e = (ConfigException) thrown;
            assertThat(e.source()).as("source of %s", shown).isEqualTo(SOURCE);
            assertThat(e.pointer()).as("pointer of %s", shown).isNotNull();
            assertThat(e.getMessage().length()).as("message length for %s", shown)
                    .isLessThan(2_000);
        }
        assertThat(nanos).as("nanoseconds to parse %s", shown).isLessThan(MAX_NANOS);
        assertThat(allocated).as("bytes allocated to parse %s", shown)
                .isLessThan(MAX_ALLOCATED_BYTES);
        return thrown == null;
    }

    static String preview(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        return text.length() <= 300 ? text : text.substring(0, 300) + "... (" + text.length()
                + " chars)";
    }

    @Property(tries = 400)
    void jsonNearTheSchema_parsesOrIsAConfigException_inBoundedTimeAndMemory(
            @ForAll("documents") String json) {
        parseWithinBounds(json.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 300)
    void mutatedValidFile_parsesOrIsAConfigException_inBoundedTimeAndMemory(
            @ForAll("validFiles") String valid, @ForAll @IntRange(min = 0, max = 10_000) int at,
            @ForAll("mutations") String insert, @ForAll boolean truncate) {
        int i = at % (valid.length() + 1);
        String mutated = truncate ? valid.substring(0, i)
                : valid.substring(0, i) + insert + valid.substring(Math.min(valid.length(),
                        i + insert.length() % 3));
        parseWithinBounds(mutated.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 300)
    void randomBytes_parseOrAreAConfigException_inBoundedTimeAndMemory(
            @ForAll @Size(max = 2_000) byte[] bytes) {
        parseWithinBounds(bytes);
    }

    @Property(tries = 200)
    void randomText_parsesOrIsAConfigException_inBoundedTimeAndMemory(
            @ForAll("jsonishText") String text) {
        parseWithinBounds(text.getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- arbitraries

    /** Numbers a hostile or careless writer puts in a file. */
    @Provide
    Arbitrary<String> numbers() {
        Arbitrary<String> fixed = Arbitraries.of("0", "-0", "5", "12.5", "0.01", "100", "100.00",
                "1e-999999999", "1e-20000000", "1e999999999", "-1e-999999999", "0e999999999",
                "1e-2147483648", "1e2147483648", "1e99999999999", "1E+2147483647",
                "4.9e-324", "1.7976931348623157e308", "9".repeat(99), "9".repeat(101),
                "0." + "0".repeat(98) + "1", "5." + "0".repeat(200), "-1", "120", "1e2",
                "9223372036854775807", "9223372036854775808", "-9223372036854775809",
                "NaN", "Infinity", "-Infinity", "0x10", "01", "1.", ".5", "+1", "1e", "1e+");
        Arbitrary<String> scientific = Combinators.combine(
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(40),
                Arbitraries.strings().numeric().ofMaxLength(40),
                Arbitraries.longs().between(-3_000_000_000L, 3_000_000_000L))
                .as((a, b, e) -> a + (b.isEmpty() ? "" : "." + b) + "e" + e);
        Arbitrary<String> plain = Arbitraries.bigDecimals().between(
                new java.math.BigDecimal("-1e12"), new java.math.BigDecimal("1e12"))
                .ofScale(6).map(java.math.BigDecimal::toPlainString);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, fixed), net.jqwik.api.Tuple.of(3, scientific),
                net.jqwik.api.Tuple.of(2, plain));
    }

    /** Strings: ordinary, blank, long, control characters, lone surrogates, escapes. */
    @Provide
    Arbitrary<String> strings() {
        Arbitrary<String> fixed = Arbitraries.of("v1", "v2", "churn", "", " ", "vip_retail",
                "approved", "candidate", "revoked", "30s", "PT1H", "1h", "999999999d",
                "P999999999999D", "PT" + "9".repeat(40) + "H", "sha256:abc", "model:x",
                "\\u0000", "\\ud800", "\\udc00\\ud800", "a\\nb", "\\\"", "\\\\", "é", "😀",
                "x".repeat(100_000), "a/b~c", "~1", "$schema");
        Arbitrary<String> random = Arbitraries.strings().ofMaxLength(30)
                .map(FlagFileFuzzProperties::escapeJson);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, fixed),
                net.jqwik.api.Tuple.of(2, random)).map(s -> "\"" + s + "\"");
    }

    /** Field names of the format, a few unknown ones, and the short form. */
    @Provide
    Arbitrary<String> keys() {
        List<String> names = new ArrayList<>();
        names.addAll(FlagFileParser.TOP_LEVEL_FIELDS);
        names.addAll(FlagFileParser.MODEL_FIELDS);
        names.addAll(FlagFileParser.VERSION_FIELDS);
        names.addAll(FlagFileParser.BUDGET_FIELDS);
        names.addAll(FlagFileParser.SHADOW_FIELDS);
        names.addAll(FlagFileParser.SEGMENT_FIELDS);
        names.addAll(FlagFileParser.MODEL_KILL_FIELDS);
        names.addAll(FlagFileParser.SHORT_FORM_FIELDS);
        names.addAll(List.of("v1", "v2", "churn", "model:churn", "model:", "unknown", ""));
        return Arbitraries.of(names).map(n -> "\"" + n + "\"");
    }

    /** Any JSON value, with schema-like objects, bounded depth. */
    Arbitrary<String> value(int depth) {
        Arbitrary<String> leaf = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, numbers()), net.jqwik.api.Tuple.of(3, strings()),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("true", "false", "null")),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 200)
                        .map(n -> "[".repeat(n) + "]".repeat(n))));
        if (depth <= 0) {
            return leaf;
        }
        Arbitrary<String> object = Combinators.combine(keys(), Arbitraries.lazy(
                () -> value(depth - 1))).as((k, v) -> k + ": " + v).list().ofMaxSize(6)
                .map(fields -> "{" + String.join(", ", fields) + "}");
        Arbitrary<String> array = Arbitraries.lazy(() -> value(depth - 1)).list().ofMaxSize(5)
                .map(items -> "[" + String.join(", ", items) + "]");
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, leaf),
                net.jqwik.api.Tuple.of(4, object), net.jqwik.api.Tuple.of(1, array));
    }

    /** Documents shaped like flag files, with hostile values in any place. */
    @Provide
    Arbitrary<String> documents() {
        Arbitrary<String> version = Combinators.combine(
                Arbitraries.of("weight", "reserve", "stage", "artifact_digest", "budget"),
                Arbitraries.lazy(() -> value(2)), numbers(), numbers())
                .as((k, v, w, m) -> "{\"" + k + "\": " + v + ", \"weight\": " + w
                        + ", \"budget\": {\"max_requests\": " + m + ", \"window\": \"1h\","
                        + " \"max_value_share\": " + w + "}}");
        Arbitrary<String> longForm = Combinators.combine(version, value(2), numbers())
                .as((v2, extra, sample) -> "{\"models\": {\"churn\": {\"stable\": \"v1\","
                        + " \"versions\": {\"v1\": {}, \"v2\": " + v2 + "}, \"shadow\":"
                        + " {\"version\": \"v2\", \"sample\": " + sample + "}, \"deny\": "
                        + extra + "}}}");
        Arbitrary<String> shortForm = Combinators.combine(numbers(), value(1))
                .as((w, b) -> "{\"schema_version\": 1, \"model:churn\": {\"canary_weight\": " + w
                        + ", \"blocked_segments\": " + b + "}}");
        return Arbitraries.oneOf(longForm, shortForm, value(4));
    }

    @Provide
    Arbitrary<String> validFiles() {
        return Arbitraries.of(
                "{\"model:churn\": {\"canary_weight\": 5, \"kill\": false,"
                        + " \"blocked_segments\": [\"vip_retail\"]}}",
                "{\"schema_version\": 1, \"kill\": {\"all\": false, \"tenants\": [\"t\"]},"
                        + " \"models\": {\"churn\": {\"stable\": \"v1\", \"salt\": \"s\","
                        + " \"versions\": {\"v1\": {\"stage\": \"approved\"}, \"v2\": {\"stage\":"
                        + " \"approved\", \"weight\": 12.5, \"reserve\": 20, \"budget\":"
                        + " {\"max_requests\": 100, \"window\": \"1h\"}}}, \"deny\": {\"tenants\":"
                        + " [\"a\"]}, \"allow\": {\"regions\": [\"BR\"]}, \"kill\": {\"versions\":"
                        + " [\"v2\"]}, \"shadow\": {\"version\": \"v2\", \"sample\": 10}}}}");
    }

    @Provide
    Arbitrary<String> mutations() {
        return Arbitraries.oneOf(numbers(), strings(), Arbitraries.of("{", "}", "[", "]", ",",
                ":", "\"", "\\", "\u0000", "\uFEFF", "nul", "1e-999999999", "[".repeat(500)),
                Arbitraries.strings().ofMaxLength(5));
    }

    @Provide
    Arbitrary<String> jsonishText() {
        return Arbitraries.strings().withChars("{}[]:,\"\\ 0123456789.eE+-truefalsn\u0000é")
                .ofMaxLength(300);
    }

    static String escapeJson(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
