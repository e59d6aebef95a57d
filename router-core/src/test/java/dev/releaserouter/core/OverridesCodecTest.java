package dev.releaserouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.config.KillSwitches;
import dev.releaserouter.api.spi.OverrideDocument;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OverridesCodecTest {

    @Test
    void emptyDocument_readsAsNoOverrides() {
        assertThat(OverridesCodec.read(OverrideDocument.EMPTY_CONTENT)).isEqualTo(Overrides.NONE);
    }

    @Test
    void everyKindOfOverride_survivesWriteThenRead() {
        Overrides o = Overrides.NONE
                .withGlobalKills(KillSwitches.NONE.with("tenants", "t9", true))
                .withModel("churn", m -> m.withWeight("v2", 750).withStage("v2", Stage.STAGING)
                        .withBudget("v2", Optional.of(ExposureBudget.builder().maxRequests(1000)
                                .window(Duration.ofMinutes(5)).maxValueShare(0.25).build()))
                        .withBudget("v3", Optional.empty())
                        .withKills(KillSwitches.NONE.withAll(true).with("versions", "v3", true))
                        .withDeny(m.denyAdded().with(Dimension.TENANT, Set.of("t1", "t2")))
                        .withAllow(Dimension.REGION, Set.of("eu"))
                        .withAllow(Dimension.CHANNEL, Set.of())
                        .withStable("v2", "v1"))
                .withModel("fraud", m -> m.withWeight("b", 0));

        String text = OverridesCodec.write(o);

        assertThat(OverridesCodec.read(text)).isEqualTo(o);
        assertThat(OverridesCodec.write(OverridesCodec.read(text))).isEqualTo(text);
    }

    @Test
    void notJson_isRefusedWithTheReason() {
        assertThatThrownBy(() -> OverridesCodec.read("{nope"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
    }
}
