package dev.releaserouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.ComponentStatus;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.RouterStatus;
import dev.releaserouter.core.testing.Configs;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Components the router depends on (a fleet store, say) report their health into
 * {@code router.status().components()} through contributors registered on the builder; a
 * contributor that throws or answers null is contained and reported as such, and decisions
 * never call a contributor.
 */
class StatusContributorTest {

    Router router;

    @AfterEach
    void close() {
        if (router != null) {
            router.close();
        }
    }

    @Test
    void status_withoutContributors_hasNoComponents() {
        router = ReleaseRouter.builder().config(Configs.of(Configs.churn(500).build()))
                .hashSecretHex(Configs.SECRET).build();

        assertThat(router.status().components()).isEmpty();
        assertThat(router.status().upToDate()).isTrue();
    }

    @Test
    void status_showsEachContributorsCurrentAnswer_inRegistrationOrder() {
        AtomicReference<ComponentStatus> fleet = new AtomicReference<>(
                ComponentStatus.up(Map.of("connected", true)));
        router = ReleaseRouter.builder().config(Configs.of(Configs.churn(500).build()))
                .hashSecretHex(Configs.SECRET)
                .statusContributor("fleet", fleet::get)
                .statusContributor("cache", () -> ComponentStatus.up(Map.of()))
                .build();

        RouterStatus up = router.status();
        assertThat(up.components()).containsOnlyKeys("fleet", "cache");
        assertThat(up.components().keySet()).containsExactly("fleet", "cache");
        assertThat(up.components().get("fleet").state()).isEqualTo(ComponentStatus.State.UP);
        assertThat(up.components().get("fleet").details()).containsEntry("connected", true);
        assertThat(up.degradedComponents()).isEmpty();

        fleet.set(ComponentStatus.degraded("connection refused", Map.of("connected", false)));
        RouterStatus down = router.status();
        assertThat(down.components().get("fleet").state())
                .isEqualTo(ComponentStatus.State.DEGRADED);
        assertThat(down.components().get("fleet").error()).isEqualTo("connection refused");
        assertThat(down.degradedComponents()).containsExactly("fleet");
        // A degraded component is not the flag source: the router still runs what it says.
        assertThat(down.upToDate()).isTrue();
        assertThat(down.toString()).contains("fleet=DEGRADED");
    }

    @Test
    void status_contributorThatThrows_isContainedAndReportedAsUnknown_decideUnaffected() {
        router = ReleaseRouter.builder().config(Configs.of(Configs.churn(500).build()))
                .hashSecretHex(Configs.SECRET)
                .statusContributor("broken", () -> {
                    throw new IllegalStateException("boom");
                })
                .statusContributor("null", () -> null)
                .statusContributor("fine", () -> ComponentStatus.up(Map.of()))
                .build();

        RouterStatus s = router.status();
        ComponentStatus broken = s.components().get("broken");
        assertThat(broken.state()).isEqualTo(ComponentStatus.State.UNKNOWN);
        assertThat(broken.error()).contains("status contributor threw")
                .contains("IllegalStateException").contains("boom");
        assertThat(s.components().get("null").state()).isEqualTo(ComponentStatus.State.UNKNOWN);
        assertThat(s.components().get("null").error()).contains("returned null");
        assertThat(s.components().get("fine").state()).isEqualTo(ComponentStatus.State.UP);
        assertThat(s.degradedComponents()).containsExactly("broken", "null");
        assertThat(router.decide(RouteRequest.of("churn", "c-1")).version()).isNotBlank();
    }

    @Test
    void builder_refusesBlankOrDuplicateNames() {
        ReleaseRouter.Builder b = ReleaseRouter.builder();
        assertThatThrownBy(() -> b.statusContributor(" ", () -> ComponentStatus.up(Map.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        b.statusContributor("fleet", () -> ComponentStatus.up(Map.of()));
        assertThatThrownBy(() -> b.statusContributor("fleet",
                () -> ComponentStatus.up(Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'fleet' is already registered");
    }

    @Test
    void componentStatus_isImmutable_andRefusesNullDetails() {
        ComponentStatus s = ComponentStatus.degraded("down", Map.of("lagMillis", 12L));
        assertThatThrownBy(() -> s.details().put("x", 1))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ComponentStatus.degraded(" ", Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
