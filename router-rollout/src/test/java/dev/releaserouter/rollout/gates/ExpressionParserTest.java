package dev.releaserouter.rollout.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpressionParserTest {

    static final Map<String, String> ARMS = Map.of("stable", "stable", "candidate", "candidate",
            "v1", "stable", "v2", "candidate");
    static final Map<String, Double> PARAMS = Map.of("slo.p95_ms", 120.0, "budget", 2.0);

    static Tri truth(String text, GateInput input) {
        return ExpressionParser.parseCondition(text, ARMS, PARAMS).truth(input);
    }

    static double number(String text) {
        Expr e = ExpressionParser.parseCondition(text + " == 0", ARMS, PARAMS);
        return ((Expr.Compare) e).left().number(MapInput.of());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "1 + 2 * 3; 7",
        "(1 + 2) * 3; 9",
        "10 - 4 - 3; 3",
        "24 / 4 / 3; 2",
        "-2 * 3; -6",
        "- -2; 2",
        "2 - -2; 4",
        "abs(1 - 3) + 1; 3",
        "max(1, 5, 3) - min(4, 2); 3",
        "1.5e2 / 3; 50",
        "slo.p95_ms / budget; 60"})
    void arithmetic_followsPrecedenceAndLeftAssociativity(String text, double expected) {
        assertThat(number(text)).isEqualTo(expected);
    }

    @Test
    void logic_notBindsTighterThanAnd_andTighterThanOr() {
        MapInput in = MapInput.of();
        // or(true, and(false, ...)) is true; and(or(true,false), false) would be false
        assertThat(truth("1 < 2 or 1 > 2 and 1 > 2", in)).isEqualTo(Tri.TRUE);
        assertThat(truth("(1 < 2 or 1 > 2) and 1 > 2", in)).isEqualTo(Tri.FALSE);
        assertThat(truth("not 1 > 2 and 1 < 2", in)).isEqualTo(Tri.TRUE);
        assertThat(truth("not (1 < 2 and 1 > 2)", in)).isEqualTo(Tri.TRUE);
        assertThat(truth("1 + 1 == 2 and 3 != 4 and 2 >= 2 and 2 <= 2", in))
                .isEqualTo(Tri.TRUE);
    }

    @Test
    void references_resolveAliasesToCanonicalArms() {
        MapInput in = MapInput.of().set("candidate.p95_ms", 100).set("stable.p95_ms", 90);
        assertThat(truth("v2.p95_ms <= slo.p95_ms", in)).isEqualTo(Tri.TRUE);
        assertThat(truth("candidate.p95_ms - v1.p95_ms == 10", in)).isEqualTo(Tri.TRUE);
    }

    @Test
    void outcomeReference_readsTheBusinessOutcomeMetric() {
        MapInput in = MapInput.of().set("candidate.outcome.converted", 0.12);
        assertThat(truth("v2.outcome.converted >= 0.1", in)).isEqualTo(Tri.TRUE);
        assertThat(truth("candidate.outcome.converted > 0.2", in)).isEqualTo(Tri.FALSE);
    }

    @Test
    void unknownOperand_isUnknown_unlessLogicDecidesWithoutIt() {
        MapInput in = MapInput.of().set("candidate.a", 1);
        assertThat(truth("candidate.missing <= 1", in)).isEqualTo(Tri.UNKNOWN);
        assertThat(truth("not candidate.missing <= 1", in)).isEqualTo(Tri.UNKNOWN);
        assertThat(truth("candidate.a > 5 and candidate.missing <= 1", in))
                .isEqualTo(Tri.FALSE);
        assertThat(truth("candidate.a < 5 or candidate.missing <= 1", in)).isEqualTo(Tri.TRUE);
        assertThat(truth("candidate.a < 5 and candidate.missing <= 1", in))
                .isEqualTo(Tri.UNKNOWN);
        assertThat(truth("0 / 0 == 0", in)).isEqualTo(Tri.UNKNOWN);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "(candidate.p95_ms <= 120; 1; unbalanced parentheses: '(' at column 1 is never closed",
        "candidate.p95_ms <= (1 + 2; 21; '(' at column 21 is never closed",
        "candidate.p95_ms <= 120); 24; ')' has no matching '('",
        "abs(candidate.p95_ms <= 1; 4; '(' at column 4 is never closed",
        "sqrt(candidate.p95_ms) <= 1; 1; unknown function 'sqrt'",
        "candidate.p95_ms <= slo.p99_ms; 21; unknown param 'slo.p99_ms'",
        "candidate.p95.ms <= 1; 1; unknown metric syntax 'candidate.p95.ms'",
        "candidate <= 1; 1; unknown metric syntax 'candidate'",
        "v2. <= 1; 1; unknown metric syntax 'v2.'",
        "v2.outcome. <= 1; 1; unknown metric syntax 'v2.outcome.'",
        "v2.outcomes.converted <= 1; 1; unknown metric syntax 'v2.outcomes.converted'",
        "1 < 2 < 3; 7; comparisons cannot be chained",
        "candidate.p95_ms = 1; 18; use '=='",
        "candidate.p95_ms + 1; 1; must be a condition",
        "1 and 2 > 1; 1; 'and' needs a condition",
        "(1 < 2) + 1 > 0; 9; '+' needs a number",
        "abs(1, 2) > 0; 1; abs() takes exactly 1 argument(s), but was given 2",
        "max(1) > 0; 1; max() takes at least 2",
        "1 > ; 4; ends where a value was expected",
        "1 > 2 #; 7; unexpected '#'",
        "' '; 1; the expression is empty"})
    void errors_nameTheColumn(String text, int column, String message) {
        String expression = text.equals("' '") ? " " : text;
        assertThatThrownBy(() -> ExpressionParser.parseCondition(expression, ARMS, PARAMS))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((ExpressionException) e).column()).isEqualTo(column));
    }
}
