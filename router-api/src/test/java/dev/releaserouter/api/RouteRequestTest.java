package dev.releaserouter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteRequestTest {

    @Test
    void builder_copiesEverything_andTheRequestIsImmutable() {
        Map<String, String> attrs = new HashMap<>(Map.of("plan", "gold"));
        RouteRequest r = RouteRequest.builder("churn", "customer-1")
                .tenant("acme").region("BR").channel("app").product("cards")
                .attributes(attrs).dataClasses("pii", "sovereign-br").monetaryValue(12.5)
                .build();
        attrs.put("plan", "changed");
        assertThat(r.attributes()).containsEntry("plan", "gold");
        assertThatThrownBy(() -> r.attributes().put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(r.dataClasses()).containsExactlyInAnyOrder("pii", "sovereign-br");
        assertThat(r.monetaryValue()).hasValue(12.5);
        assertThat(r.toBuilder().build()).isEqualTo(r);
    }

    @Test
    void monetaryValue_whenNotGiven_isEmpty_andOrGivesTheCallersDefault() {
        RouteRequest none = RouteRequest.of("churn", "c-1");
        RouteRequest some = RouteRequest.builder("churn", "c-1").monetaryValue(7.5).build();

        assertThat(none.hasMonetaryValue()).isFalse();
        assertThat(none.monetaryValue()).isEmpty();
        assertThat(none.monetaryValueOr(0)).isZero();
        assertThat(some.hasMonetaryValue()).isTrue();
        assertThat(some.monetaryValue()).hasValue(7.5);
        assertThat(some.monetaryValueOr(0)).isEqualTo(7.5);
    }

    @Test
    void toString_masksTheEntityKey() {
        assertThat(RouteRequest.of("churn", "maria@example.com").toString())
                .doesNotContain("maria").contains("17 chars");
    }

    @Test
    void monetaryValue_isOptional_andMustBeFiniteAndNonNegative() {
        assertThat(RouteRequest.of("m", "k").hasMonetaryValue()).isFalse();
        assertThatThrownBy(() -> RouteRequest.builder("m", "k").monetaryValue(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("monetaryValue must be finite and >= 0, but was -1.0");
        assertThatThrownBy(() -> RouteRequest.builder("m", "k").monetaryValue(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullModelOrKey_isAProgrammingError() {
        assertThatThrownBy(() -> RouteRequest.of(null, "k"))
                .isInstanceOf(NullPointerException.class).hasMessage("model");
        assertThatThrownBy(() -> RouteRequest.of("m", null))
                .isInstanceOf(NullPointerException.class).hasMessage("entityKey");
    }

    @Test
    void decision_ofBucket_hasBucket_withoutBucket_hasEmptyBucket() {
        RouteDecision bucketed = RouteDecision.of("v2", Role.CANDIDATE, Reason.CANARY_BUCKET,
                42, 3);
        RouteDecision killed = RouteDecision.withoutBucket("v1", Role.STABLE,
                Reason.KILL_SWITCH, 3);

        assertThat(bucketed.hasBucket()).isTrue();
        assertThat(bucketed.bucket()).hasValue(42);
        assertThat(killed.hasBucket()).isFalse();
        assertThat(killed.bucket()).isEmpty();
        assertThat(killed.toString()).doesNotContain("bucket=");
        assertThat(killed).isNotEqualTo(RouteDecision.of("v1", Role.STABLE, Reason.KILL_SWITCH,
                0, 3));
    }

    @Test
    void decision_validatesBucketAndVersion() {
        assertThatThrownBy(() -> RouteDecision.of("v1", Role.STABLE, Reason.STABLE_BUCKET,
                10_000, 1)).hasMessageContaining("but was 10000");
        assertThatThrownBy(() -> RouteDecision.of("v1", Role.STABLE, Reason.STABLE_BUCKET,
                -1, 1)).hasMessageContaining("but was -1");
        assertThatThrownBy(() -> RouteDecision.withoutBucket(null, Role.STABLE,
                Reason.KILL_SWITCH, 1)).hasMessageContaining("UNKNOWN_MODEL");
        assertThat(Reason.CANARY_BUCKET.routesToCandidate()).isTrue();
        assertThat(Reason.BUDGET_EXHAUSTED.routesToCandidate()).isFalse();
    }
}
