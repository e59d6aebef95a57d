package dev.releaserouter.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionConfigTest {

    @Test
    void reserve_whenNotDeclared_isEmpty_andSurvivesToBuilder() {
        VersionConfig v = VersionConfig.builder("v2").weightPercent(5).build();

        assertThat(v.reserveBasisPoints()).isEmpty();
        assertThat(v.toBuilder().build().reserveBasisPoints()).isEmpty();
        assertThat(v.toBuilder().build()).isEqualTo(v);
    }

    @Test
    void reserve_whenDeclared_isItsBasisPoints() {
        VersionConfig v = VersionConfig.builder("v2").reservePercent(12.5).build();

        assertThat(v.reserveBasisPoints()).hasValue(1_250);
        assertThat(v.toBuilder().build().reserveBasisPoints()).hasValue(1_250);
    }

    @Test
    void budget_isEmptyWhenUnlimited_elseTheBudget() {
        ExposureBudget budget = ExposureBudget.builder().maxRequests(10).build();

        assertThat(VersionConfig.builder("v2").build().budget()).isEmpty();
        assertThat(VersionConfig.builder("v2").budget(budget).build().budget()).contains(budget);
    }
}
