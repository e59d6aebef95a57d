package dev.releaserouter.rollout.gates;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** For random arithmetic expressions the evaluator equals direct Java computation. */
class ArithmeticPropertyTest {

    /** An expression's source text and the value Java computes for it. */
    record Case(String text, double value) {}

    @Provide
    Arbitrary<Case> expressions() {
        return Arbitraries.integers().between(0, 5).flatMap(this::tree);
    }

    private Arbitrary<Case> tree(int depth) {
        if (depth == 0) {
            return leaf();
        }
        return Arbitraries.oneOf(leaf(), binary(depth - 1), binary(depth - 1), call(depth - 1),
                neg(depth - 1));
    }

    private Arbitrary<Case> leaf() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(0, 1000).map(i -> new Case(i.toString(), i)),
                Arbitraries.doubles().between(0, 1000).ofScale(3)
                        .map(d -> new Case(String.format(Locale.ROOT, "%.3f", d),
                                Double.parseDouble(String.format(Locale.ROOT, "%.3f", d)))),
                Arbitraries.of(new Case("candidate.p95_ms", 131.5),
                        new Case("stable.p95_ms", 97.25), new Case("v2.error_rate", 0.004),
                        new Case("slo.p95_ms", 120)));
    }

    private Arbitrary<Case> binary(int d) {
        return Combinators.combine(tree(d), Arbitraries.of('+', '-', '*', '/'),
                tree(d), Arbitraries.of(true, false)).as((a, op, b, paren) -> {
                    double v;
                    switch (op) {
                        case '+':
                            v = a.value() + b.value();
                            break;
                        case '-':
                            v = a.value() - b.value();
                            break;
                        case '*':
                            v = a.value() * b.value();
                            break;
                        default:
                            v = a.value() / b.value();
                    }
                    // Fully parenthesised, with or without spaces.
                    String text = paren ? "(" + a.text() + " " + op + " " + b.text() + ")"
                            : "(" + a.text() + op + b.text() + ")";
                    return new Case(text, v);
                });
    }

    private Arbitrary<Case> call(int d) {
        return Combinators.combine(Arbitraries.of("abs", "max", "min"), tree(d), tree(d))
                .as((f, a, b) -> {
                    switch (f) {
                        case "abs":
                            return new Case("abs(" + a.text() + ")", Math.abs(a.value()));
                        case "max":
                            return new Case("max(" + a.text() + ", " + b.text() + ")",
                                    Math.max(a.value(), b.value()));
                        default:
                            return new Case("min(" + a.text() + "," + b.text() + ")",
                                    Math.min(a.value(), b.value()));
                    }
                });
    }

    private Arbitrary<Case> neg(int d) {
        return tree(d).map(a -> new Case("-(" + a.text() + ")", -a.value()));
    }

    @Property(tries = 500)
    void evaluatorEqualsJava(@ForAll("expressions") Case c) {
        MapInput in = MapInput.of().set("candidate.p95_ms", 131.5).set("stable.p95_ms", 97.25)
                .set("candidate.error_rate", 0.004);
        Expr e = ExpressionParser.parseCondition(c.text() + " <= 0", ExpressionParserTest.ARMS,
                java.util.Map.of("slo.p95_ms", 120.0));
        double actual = ((Expr.Compare) e).left().number(in);
        assertThat(Double.doubleToLongBits(actual))
                .as("%s = %s", c.text(), actual)
                .isEqualTo(Double.doubleToLongBits(c.value()));
    }

    @Property(tries = 300)
    void precedenceWithoutParentheses_matchesJava(@ForAll("small") int a, @ForAll("small") int b,
            @ForAll("small") int c, @ForAll("small") int d) {
        String text = a + " + " + b + " * " + c + " - " + d + " / 4 * " + b;
        double expected = a + (double) b * c - (double) d / 4 * b;
        Expr e = ExpressionParser.parseCondition(text + " == 0", ExpressionParserTest.ARMS,
                java.util.Map.of());
        assertThat(((Expr.Compare) e).left().number(MapInput.of())).isEqualTo(expected);
    }

    @Provide
    Arbitrary<Integer> small() {
        return Arbitraries.integers().between(0, 99);
    }
}
