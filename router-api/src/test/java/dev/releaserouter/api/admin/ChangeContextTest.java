package dev.releaserouter.api.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.spi.LeaseGrant;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ChangeContextTest {

    private static final LeaseGrant GRANT =
            new LeaseGrant("rollout/churn", "pod-a", 42, Instant.EPOCH);

    @Test
    void withFence_keepsWhoAndWhy_andCarriesTheGrant() {
        ChangeContext plain = ChangeContext.of("rollout-controller", "stage 2", "CHG-1");
        ChangeContext fenced = plain.withFence(GRANT);

        assertThat(plain.fence()).isEmpty();
        assertThat(fenced.fence()).contains(GRANT);
        assertThat(fenced.actor()).isEqualTo("rollout-controller");
        assertThat(fenced.reason()).isEqualTo("stage 2");
        assertThat(fenced.ticket()).isEqualTo("CHG-1");
        assertThat(fenced).isNotEqualTo(plain);
        assertThat(fenced.toString()).contains("fence=rollout/churn#42");
        assertThatThrownBy(() -> plain.withFence(null)).isInstanceOf(NullPointerException.class);
    }
}
