package dev.releaserouter.core.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.releaserouter.api.shadow.Comparison;
import dev.releaserouter.api.shadow.ShadowComparator;
import org.junit.jupiter.api.Test;

/** The built-in comparators and validators: equality, score tolerance and delta, decisions. */
class ShadowComparatorsTest {

    record Scored(double score, String label) {
    }

    @Test
    void equality_matchesEqualOutputsIncludingNulls_andHasNoDelta() {
        ShadowComparator<Object> eq = ShadowComparators.equality();
        assertThat(eq.compare("a", "a").match()).isTrue();
        assertThat(eq.compare(null, null).match()).isTrue();
        assertThat(eq.compare("a", "b").match()).isFalse();
        assertThat(eq.compare("a", null).match()).isFalse();
        assertThat(eq.compare("a", "a").delta()).isEmpty();
    }

    @Test
    void score_deltaIsCandidateMinusStable_andMatchesWithinTheToleranceInclusive() {
        ShadowComparator<Number> c = ShadowComparators.score(0.25);
        Comparison up = c.compare(0.5, 0.75);
        assertThat(up.match()).as("at the tolerance").isTrue();
        assertThat(up.delta().getAsDouble()).isCloseTo(0.25, within(1e-12));
        Comparison down = c.compare(0.5, 0.2);
        assertThat(down.match()).isFalse();
        assertThat(down.delta().getAsDouble()).isCloseTo(-0.3, within(1e-12));
        assertThat(c.compare(0.5, Double.NaN).match()).as("NaN never matches").isFalse();
    }

    @Test
    void score_ofAField_usesTheExtractor() {
        ShadowComparator<Scored> c = ShadowComparators.score(0.0, Scored::score);
        assertThat(c.compare(new Scored(0.4, "a"), new Scored(0.4, "b")).match()).isTrue();
        assertThat(c.compare(new Scored(0.4, "a"), new Scored(0.41, "a")).match()).isFalse();
    }

    @Test
    void score_refusesANegativeOrNaNTolerance() {
        assertThatThrownBy(() -> ShadowComparators.score(-0.1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tolerance must be >= 0, but was -0.1");
        assertThatThrownBy(() -> ShadowComparators.score(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decision_matchesOnTheLabelWhateverTheScores() {
        ShadowComparator<Scored> c = ShadowComparators.decision(s -> s.score() >= 0.5);
        assertThat(c.compare(new Scored(0.6, "x"), new Scored(0.9, "y")).match()).isTrue();
        assertThat(c.compare(new Scored(0.6, "x"), new Scored(0.4, "x")).match()).isFalse();
        assertThat(ShadowComparators.<Scored>decision(Scored::label)
                .compare(new Scored(0.1, "churn"), new Scored(0.9, "churn")).match()).isTrue();
    }

    @Test
    void scoreBetween_rejectsNaNInfinityNullAndOutOfRange_andAcceptsTheBounds() {
        var v = OutputValidators.scoreBetween(0, 1);
        assertThat(v.problem(0.0)).isNull();
        assertThat(v.problem(1.0)).isNull();
        assertThat(v.problem(Double.NaN)).isEqualTo("score is NaN");
        assertThat(v.problem(Double.POSITIVE_INFINITY)).isEqualTo("score is infinite");
        assertThat(v.problem(1.5)).isEqualTo("score out of range [0.0, 1.0]");
        assertThat(v.problem(-0.01)).isEqualTo("score out of range [0.0, 1.0]");
        assertThat(v.problem(null)).isEqualTo("null output");
        assertThatThrownBy(() -> OutputValidators.scoreBetween(1, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void finite_rejectsOnlyNaNAndInfinities() {
        var v = OutputValidators.finite();
        assertThat(v.problem(-1e300)).isNull();
        assertThat(v.problem(Double.NaN)).isNotNull();
        assertThat(v.problem(Double.NEGATIVE_INFINITY)).isNotNull();
    }
}
