package dev.releaserouter.rollout.gates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.core.testing.Bounded;
import dev.releaserouter.core.testing.Mutations;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Fuzzing of gate expressions: any text either parses or throws {@link ExpressionException}
 * (with a column), within 2 s and 64 MB; an expression that parses evaluates without throwing.
 * Inputs: expressions from the grammar, with random edits, deep nesting and random strings.
 */
class ExpressionFuzzProperties {

    private static final Map<String, String> ARMS = Map.of("stable", "stable", "candidate",
            "candidate", "v1", "stable", "v2", "candidate");
    private static final Map<String, Double> PARAMS = Map.of("slo.p95_ms", 120.0, "k", 0.0);
    private static final MapInput INPUT = MapInput.of().set("candidate.p95_ms", 130)
            .set("stable.p95_ms", 0).set("candidate.error_rate", Double.NaN);

    /** Numbers, references and params combined by the grammar's operators, up to depth 6. */
    private static Arbitrary<String> number(int depth) {
        Arbitrary<String> leaf = Arbitraries.oneOf(
                Arbitraries.of("0", "1", "0.5", "1e308", "-0", ".5", "1e-400", "120"),
                Arbitraries.of("candidate.p95_ms", "v2.p95_ms", "stable.p95_ms",
                        "v1.error_rate", "candidate.outcome.approved", "slo.p95_ms", "k"));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<String> sub = number(depth - 1);
        return Arbitraries.oneOf(leaf,
                Combinators.combine(sub, Arbitraries.of("+", "-", "*", "/"), sub)
                        .as((a, op, b) -> a + " " + op + " " + b),
                sub.map(a -> "(" + a + ")"), sub.map(a -> "-" + a),
                sub.map(a -> "abs(" + a + ")"),
                Combinators.combine(sub, sub).as((a, b) -> "max(" + a + ", " + b + ")"));
    }

    private static Arbitrary<String> condition(int depth) {
        Arbitrary<String> cmp = Combinators.combine(number(3),
                Arbitraries.of("<=", "<", ">=", ">", "==", "!="), number(3))
                .as((a, op, b) -> a + " " + op + " " + b);
        if (depth == 0) {
            return cmp;
        }
        Arbitrary<String> sub = condition(depth - 1);
        return Arbitraries.oneOf(cmp,
                Combinators.combine(sub, Arbitraries.of(" and ", " or "), sub)
                        .as((a, op, b) -> a + op + b),
                sub.map(a -> "not " + a), sub.map(a -> "(" + a + ")"));
    }

    @Provide
    Arbitrary<String> expressions() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, condition(3)),
                Tuple.of(5, condition(2).list().ofMinSize(1).ofMaxSize(5)
                        .flatMap(Mutations::mutated)),
                Tuple.of(2, PolicyFuzzProperties.deepExpressions()),
                Tuple.of(2, Mutations.random()));
    }

    @Property(tries = 1000)
    void expression_parsesOrThrowsExpressionException_andEvaluatesWithoutThrowing(
            @ForAll("expressions") String text) {
        Throwable t = Bounded.run(text, () -> {
            Expr e = ExpressionParser.parseCondition(text, ARMS, PARAMS);
            e.truth(INPUT);
            e.collect(INPUT, new java.util.HashMap<>());
        });
        Bounded.nothingOr(text, t, ExpressionException.class);
        if (t instanceof ExpressionException e) {
            assertThat(e.getMessage()).matches("(?s).*column \\d+.*");
        }
    }

    @Example
    void deepNestingOrHugeLength_ofEveryKind_isAnExpressionExceptionWithAColumn() {
        for (String text : List.of("(".repeat(4_000) + "1 < 2" + ")".repeat(4_000),
                "-".repeat(9_000) + "1 < 2", "not ".repeat(2_000) + "1 < 2",
                "abs(".repeat(1_500) + "1" + ")".repeat(1_500) + " < 2",
                "(".repeat(100_000) + "1 < 2" + ")".repeat(100_000),
                "-".repeat(100_000) + "1 < 2", "not ".repeat(100_000) + "1 < 2",
                "abs(".repeat(100_000) + "1" + ")".repeat(100_000) + " < 2",
                "1 + ".repeat(2_400) + "1 < 2", "1 < 2 and ".repeat(900) + "1 < 2")) {
            Throwable t = Bounded.run(text,
                    () -> ExpressionParser.parseCondition(text, ARMS, PARAMS));
            assertThat(t).as(Bounded.abbreviate(text)).isInstanceOf(ExpressionException.class)
                    .hasMessageContaining("column");
        }
    }

    @Example
    void nestingUpToTheLimit_isAccepted() {
        String text = "(".repeat(60) + "candidate.p95_ms <= 1" + ")".repeat(60);
        assertThat(ExpressionParser.parseCondition(text, ARMS, PARAMS).truth(INPUT))
                .isNotNull();
    }
}
