package dev.releaserouter.rollout.gates;

import dev.releaserouter.rollout.measure.TestOutcomes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.Router;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import dev.releaserouter.rollout.measure.SnapshotGateInput;
import dev.releaserouter.core.testing.Bounded;
import dev.releaserouter.core.testing.Configs;
import dev.releaserouter.core.testing.Mutations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Fuzzing of policy files, JSON and YAML: any input either parses or throws
 * {@link ConfigException}, within 2 s and 64 MB; never another throwable (no stack overflow on
 * deep nesting, no out-of-memory on huge numbers or YAML alias bombs). A policy that parses and
 * passes {@link Policy#requireMetrics} with the router's measurements evaluates on them without
 * throwing. Inputs: the shipped examples with random edits, deep nesting, random strings.
 */
class PolicyFuzzProperties {

    private static final GateInput MEASURED = measured();

    private static GateInput measured() {
        Router router = Configs.router(Configs.of(Configs.churn(5000).build()));
        ArmMeasurements m = ArmMeasurements.builder().build();
        for (int i = 0; i < 400; i++) {
            String v = i % 2 == 0 ? "v1" : "v2";
            m.recordCall("churn", v, 1_000_000L * (i % 97), i % 13 == 0, TestOutcomes.cost(0.001, 10, (i % 20) / 20.0));
            String key = "user-" + i;
            TestOutcomes.outcome(router, m, "churn", key, "converted", i % 7 == 0 ? 1 : 0);
            TestOutcomes.outcome(router, m, "churn", key, "x", i % 3);
            TestOutcomes.label(router, m, "churn", key, 1.0, 1.0 + (i % 5) / 10.0);
        }
        return SnapshotGateInput.of(m.snapshot("churn", Duration.ofHours(1)), "v1", "v2");
    }

    private static List<Path> examples() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("docs/examples/policies"))) {
            p = p.getParent();
        }
        assertThat(p).isNotNull();
        try (Stream<Path> s = Files.list(p.resolve("docs/examples/policies"))) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> seeds(String suffix) {
        List<String> out = new ArrayList<>();
        for (Path f : examples()) {
            if (f.toString().endsWith(suffix)) {
                try {
                    out.add(Files.readString(f));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        assertThat(out).isNotEmpty();
        return out;
    }

    /** A valid policy around one expression. */
    static String withExpression(String expr) {
        return "{\"name\": \"fuzz\", \"aliases\": {\"v2\": \"candidate\"}, \"criteria\": ["
                + "{\"name\": \"c\", \"expr\": \"" + expr.replace("\\", "\\\\")
                        .replace("\"", "\\\"") + "\", \"severity\": \"CRITICAL\"}]}";
    }

    static Arbitrary<String> deepExpressions() {
        return Arbitraries.oneOf(
                Mutations.deep("(", "candidate.p95_ms <= 1", ")"),
                Mutations.deep("not ", "1 < 2", ""),
                Mutations.deep("-", "1", "").map(e -> e + " < 2"),
                Mutations.deep("abs(", "v2.p95_ms", ")").map(e -> e + " < 2"),
                Mutations.deep("1 + ", "1", "").map(e -> e + " < 2"),
                Mutations.deep("1 < 2 and ", "1 < 2", ""),
                Mutations.deep("max(1, ", "1", ")").map(e -> e + " < 2"));
    }

    private static void parseAndEvaluate(String text, Policy.Format format) {
        Policy p = Policy.parse(text.getBytes(StandardCharsets.UTF_8), "fuzz", format);
        p.requireMetrics(SnapshotGateInput.METRICS);
        GateVerdict v = PolicyEvaluator.evaluate(p, MEASURED);
        PolicyEvaluator.evaluate(p, MEASURED, GateHistory.empty().append(v));
    }

    @Provide
    Arbitrary<String> json() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Mutations.mutated(seeds(".json"))),
                Tuple.of(2, deepExpressions().map(PolicyFuzzProperties::withExpression)),
                Tuple.of(1, Mutations.deep("[", "1", "]")),
                Tuple.of(1, Mutations.deep("{\"a\":", "1", "}")),
                Tuple.of(1, Mutations.deep("{\"criteria\":", "[]", "}")),
                Tuple.of(2, Mutations.random()));
    }

    @Provide
    Arbitrary<String> yaml() {
        List<String> seeds = new ArrayList<>(seeds(".yaml"));
        seeds.addAll(seeds(".json")); // JSON is YAML too
        return Arbitraries.frequencyOf(
                Tuple.of(6, Mutations.mutated(seeds)),
                Tuple.of(1, Mutations.deep("[", "1", "]")),
                Tuple.of(1, Mutations.deep("- ", "1", "")),
                Tuple.of(1, Mutations.deep("{a: ", "1", "}")),
                Tuple.of(1, Arbitraries.integers().between(1, 12).map(PolicyFuzzProperties::bomb)),
                Tuple.of(2, Mutations.random()));
    }

    /** A "billion laughs" document: each level holds nine aliases of the one before. */
    static String bomb(int levels) {
        StringBuilder b = new StringBuilder("l0: &l0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\","
                + "\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (int i = 1; i <= levels; i++) {
            String prev = "*l" + (i - 1);
            b.append("l").append(i).append(": &l").append(i).append(" [")
                    .append(String.join(",", java.util.Collections.nCopies(9, prev)))
                    .append("]\n");
        }
        return b.append("name: bomb\ncriteria: *l").append(levels).append('\n').toString();
    }

    @Property(tries = 1000)
    void jsonPolicy_parsesOrThrowsConfigException_inBoundedTimeAndMemory(
            @ForAll("json") String text) {
        Throwable t = Bounded.run(text, () -> parseAndEvaluate(text, Policy.Format.JSON));
        Bounded.nothingOr(text, t, ConfigException.class);
    }

    @Property(tries = 800)
    void yamlPolicy_parsesOrThrowsConfigException_inBoundedTimeAndMemory(
            @ForAll("yaml") String text) {
        Throwable t = Bounded.run(text, () -> parseAndEvaluate(text, Policy.Format.YAML));
        Bounded.nothingOr(text, t, ConfigException.class);
    }

    @Example
    void deeplyNestedExpression_isALocatedConfigException() {
        String text = withExpression("(".repeat(4_000) + "candidate.p95_ms <= 1"
                + ")".repeat(4_000));
        Throwable t = Bounded.run(text, () -> parseAndEvaluate(text, Policy.Format.JSON));
        assertThat(t).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.pointer()).isEqualTo("/criteria/0/expr");
            assertThat(e.problem()).contains("column").contains("deeper than 64 levels");
        });
    }

    @Example
    void longOperatorChain_isALocatedConfigException_notAStackOverflowWhenEvaluated() {
        String text = withExpression("1 + ".repeat(2_000) + "1 < 2");
        Throwable t = Bounded.run(text, () -> parseAndEvaluate(text, Policy.Format.JSON));
        assertThat(t).isInstanceOf(ConfigException.class)
                .hasMessageContaining("deeper than 64 levels");
    }

    @Example
    void yamlAliasBomb_isRejectedQuickly() {
        String text = bomb(12);
        Throwable t = Bounded.run(text, () -> parseAndEvaluate(text, Policy.Format.YAML));
        assertThat(t).isInstanceOf(ConfigException.class);
    }
}
