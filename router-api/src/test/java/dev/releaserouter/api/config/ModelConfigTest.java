package dev.releaserouter.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.Stage;
import java.math.BigDecimal;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ModelConfigTest {

    static ModelConfig.Builder base() {
        return ModelConfig.builder("churn").stableVersion("v1")
                .version(VersionConfig.builder("v1").build());
    }

    static void assertConfigError(ThrowingCallable call, String pointer, String value,
            String problem) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.pointer()).isEqualTo(pointer);
            assertThat(e.value()).isEqualTo(value);
            assertThat(e.problem()).contains(problem);
        });
    }

    @Test
    void weights_areBasisPoints_fromPercentWithTwoDecimals() {
        assertThat(Weights.basisPoints(new BigDecimal("5"))).isEqualTo(500);
        assertThat(Weights.basisPoints(12.34)).isEqualTo(1234);
        assertThat(Weights.basisPoints(0.01)).isEqualTo(1);
        assertThat(Weights.percent(1250)).isEqualTo("12.5");
        assertConfigError(() -> Weights.basisPoints(new BigDecimal("5.005")), "", "5.005",
                "at most two decimals");
        assertConfigError(() -> Weights.basisPoints(120), "", "120", "between 0 and 100");
        assertConfigError(() -> Weights.basisPoints(-1), "", "-1", "between 0 and 100");
    }

    @Test
    void versionWeight_errorsNameTheField() {
        assertConfigError(() -> VersionConfig.builder("v2").weightPercent(100.5), "/weight",
                "100.5", "between 0 and 100");
    }

    @Test
    void stable_mustExist_andBeApproved() {
        assertConfigError(() -> ModelConfig.builder("m")
                .version(VersionConfig.builder("v1").build()).build(),
                "/stable", null, "required");
        assertConfigError(() -> base().stableVersion("v9").build(), "/stable", "v9",
                "must be one of [v1]");
        assertConfigError(() -> base().version(VersionConfig.builder("v1")
                .stage(Stage.STAGING).build()).build(),
                "/versions/v1/stage", "STAGING", "must be Approved");
    }

    @Test
    void candidateWeights_addUpToAtMost100() {
        assertConfigError(() -> base()
                .version(VersionConfig.builder("v2").weightPercent(60).reservePercent(50.5)
                        .build())
                .version(VersionConfig.builder("v3").weightPercent(45).reservePercent(49.5)
                        .build())
                .build(), "/versions", "105%", "at most 100%");
    }

    @Test
    void weight_cannotExceedItsReserve() {
        assertConfigError(() -> base()
                .version(VersionConfig.builder("v2").weightPercent(60).build())
                .version(VersionConfig.builder("v3").weightPercent(10).build())
                .build(), "/versions/v2/weight", "60", "reserve of 50%");
    }

    @Test
    void reserves_defaultToEqualSharesOfWhatIsLeft() {
        ModelConfig m = base()
                .version(VersionConfig.builder("v2").reservePercent(40).build())
                .version(VersionConfig.builder("v3").build())
                .version(VersionConfig.builder("v4").build())
                .build();
        assertThat(m.effectiveReserveBasisPoints("v2")).isEqualTo(4000);
        assertThat(m.effectiveReserveBasisPoints("v3")).isEqualTo(3000);
        assertThat(m.effectiveReserveBasisPoints("v4")).isEqualTo(3000);
        assertThat(m.effectiveReserveBasisPoints("v1")).isZero();
    }

    @Test
    void stableWeight_ifGiven_mustBeWhatTheCandidatesLeave() {
        ModelConfig ok = base().version(VersionConfig.builder("v1").weightPercent(95).build())
                .version(VersionConfig.builder("v2").weightPercent(5).build()).build();
        assertThat(ok.candidates()).hasSize(1);
        assertConfigError(() -> base().version(VersionConfig.builder("v1").weightPercent(90)
                        .build())
                .version(VersionConfig.builder("v2").weightPercent(5).build()).build(),
                "/versions/v1/weight", "90", "what the candidates leave (95)");
    }

    @Test
    void killSwitches_mustNameKnownCandidates() {
        assertConfigError(() -> base().kills(KillSwitches.of(false, Set.of("v7"), Set.of(),
                Set.of())).build(), "/kill/versions/0", "v7", "unknown version");
        assertConfigError(() -> base().kills(KillSwitches.of(false, Set.of("v1"), Set.of(),
                Set.of())).build(), "/kill/versions/0", "v1", "cannot be killed");
    }

    @Test
    void budgets_needALimit_andOnlyCandidatesHaveThem() {
        assertConfigError(() -> ExposureBudget.builder().build(), "", null, "needs");
        assertConfigError(() -> ExposureBudget.builder().maxValueShare(1.5), "/max_value_share",
                "1.5", "between 0 and 1");
        ExposureBudget b = ExposureBudget.builder().maxRequests(10).build();
        assertConfigError(() -> base().version(VersionConfig.builder("v1").budget(b).build())
                .build(), "/versions/v1/budget", b.toString(), "cannot have");
    }

    @Test
    void configException_messageNamesSourcePointerProblemAndValue() {
        ConfigException e = new ConfigException("/weight", "120", "weight must be <= 100")
                .locatedIn("file:/etc/flags.json", "/models/churn/versions/v2");
        assertThat(e.getMessage()).isEqualTo("file:/etc/flags.json: at "
                + "/models/churn/versions/v2/weight: weight must be <= 100, but was 120");
    }

    @Test
    void moreThan126Candidates_isAConfigError() {
        ModelConfig.Builder b = base();
        for (int i = 1; i <= 126; i++) {
            b.version(VersionConfig.builder("c" + i).build());
        }
        assertThat(b.build().candidates()).hasSize(126);
        b.version(VersionConfig.builder("c127").build());
        assertConfigError(b::build, "/versions", "128 versions", "at most 126 candidates");
    }
}
