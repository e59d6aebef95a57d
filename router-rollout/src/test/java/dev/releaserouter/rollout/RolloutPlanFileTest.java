package dev.releaserouter.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.rollout.gates.Policy;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The plan as a file (seed 003's {@code ml.gradual_rollout} keys): a golden file of the mapping,
 * the same plan from YAML, JSON and a Spring-like map, and fail-fast errors naming the file, the
 * JSON pointer and the bad value.
 */
class RolloutPlanFileTest {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT).build();

    @TempDir
    Path dir;

    static Path resource(String name) {
        try {
            return Path.of(RolloutPlanFileTest.class.getResource("/plans/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every field of the plan that the file maps, in a stable order. */
    static String mapping(RolloutPlan p) {
        ObjectNode o = JSON.createObjectNode();
        o.put("model", p.model());
        o.put("stable_version", p.stableVersion());
        o.put("candidate_version", p.candidateVersion());
        p.stages().forEach(o.putArray("stages_bp")::add);
        o.put("checkpoint_duration", p.checkpointDuration().toString());
        o.put("min_samples", p.minSamples());
        o.put("dry_run", p.dryRun());
        o.put("max_failed_ticks", p.maxFailedTicks());
        o.put("promote_on_completion", p.promoteOnCompletion());
        ObjectNode pol = o.putObject("policy");
        pol.put("name", p.policy().name());
        pol.put("min_window", p.policy().minWindow().toString());
        pol.put("min_samples", p.policy().minSamples());
        ObjectNode params = pol.putObject("params");
        new TreeMap<>(p.policy().params()).forEach(params::put);
        ObjectNode criteria = pol.putObject("criteria");
        for (String c : p.policy().criterionNames()) {
            p.policy().metricsRead(c).forEach(criteria.putArray(c)::add);
        }
        p.shadowPhase().ifPresent(s -> {
            ObjectNode n = o.putObject("shadow_phase");
            n.put("min_duration", s.minDuration().toString());
            n.put("max_duration", s.maxDuration().toString());
            ShadowExitCriteria c = s.criteria();
            n.put("min_match_rate", c.minMatchRate());
            n.put("max_failure_rate", c.maxFailureRate());
            n.put("max_p95_increase_pct", c.maxP95IncreasePct());
            n.put("max_abs_mean_score_delta", c.maxAbsMeanScoreDelta());
            n.put("max_cost_increase_pct", c.maxCostIncreasePct());
            n.put("min_comparisons", c.minComparisons());
        });
        p.backoutVerification().ifPresent(b -> {
            ObjectNode n = o.putObject("backout_verification");
            n.put("delay", b.delay().toString());
            n.put("max_error_rate", b.maxErrorRate());
        });
        return JSON.writeValueAsString(o);
    }

    @ParameterizedTest
    @ValueSource(strings = {"seed-003-plan.yaml", "seed-003-plan.json"})
    void seed003File_mapsOntoThePlan_asTheGoldenFileSays(String file) throws IOException {
        String golden = Files.readString(resource("seed-003-plan.golden.json"),
                StandardCharsets.UTF_8);
        assertThat(mapping(RolloutPlanFile.load(resource(file))) + "\n").isEqualTo(golden);
    }

    @Test
    void seed003Thresholds_buildTheShippedSeed003Policy_withTheSameCriteriaAndParams() {
        Policy shipped = Policy.load(ExamplePoliciesRolloutTest.examples()
                .resolve("seed-003-gradual-rollout.json"));
        Policy built = RolloutPlanFile.load(resource("seed-003-plan.yaml")).policy();
        assertThat(built.name()).isEqualTo(shipped.name());
        assertThat(built.params()).isEqualTo(shipped.params());
        assertThat(built.minSamples()).isEqualTo(shipped.minSamples());
        // The one difference: the controller times checkpoints, so the built policy has no
        // min_window (the shipped file's 30m would hold a 30-minute checkpoint forever, its
        // measured window being 30 minutes less the open measurement window).
        assertThat(built.minWindow()).isZero();
        assertThat(built.criterionNames()).isEqualTo(shipped.criterionNames());
        for (String c : shipped.criterionNames()) {
            assertThat(built.metricsRead(c)).as(c).isEqualTo(shipped.metricsRead(c));
        }
    }

    @Test
    void springLikeMap_kebabCaseKeys_stringValues_andCommaSeparatedStages_giveTheSamePlan()
            throws IOException {
        Map<String, Object> shadow = new LinkedHashMap<>();
        shadow.put("min-duration-hours", "24");
        shadow.put("max-duration-hours", "48");
        shadow.put("min-match-rate", "0.95");
        shadow.put("max-failure-rate", "0.03");
        shadow.put("max-p95-latency-increase-pct", "15");
        shadow.put("max-cost-increase-pct", "10");
        shadow.put("min-comparisons", "100");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", "true");
        m.put("model", "duration-predictor");
        m.put("stable-version", "v1.9");
        m.put("candidate-version", "v2.0");
        m.put("stages", "0.25,0.50,0.75,1.0");
        m.put("checkpoint-duration-minutes", "30");
        m.put("checkpoint-mae-threshold-pct", "20.0");
        m.put("checkpoint-error-rate-threshold", "0.001");
        m.put("min-samples", "10");
        m.put("promote", "true");
        m.put("shadow", shadow);
        m.put("backout-verification", Map.of("delay-minutes", "5"));

        RolloutPlan plan = RolloutPlanFile.fromMap(m, "router.rollouts.churn", null).build();

        assertThat(mapping(plan) + "\n").isEqualTo(Files.readString(
                resource("seed-003-plan.golden.json"), StandardCharsets.UTF_8));
    }

    @Test
    void stagesAsAMapWithIndexKeys_asSpringBindsIndexedProperties() {
        Map<String, Object> m = minimal();
        m.put("stages", Map.of("1", "1.0", "0", "0.1"));
        assertThat(RolloutPlanFile.fromMap(m, "props", null).build().stages())
                .containsExactly(1000, 10_000);
    }

    @Test
    void defaults_areSeed003s_andNoShadowPhaseNorVerification() {
        RolloutPlan p = RolloutPlanFile.fromMap(minimal(), "props", null).build();
        assertThat(p.stages()).containsExactly(2500, 5000, 7500, 10_000);
        assertThat(p.checkpointDuration()).isEqualTo(Duration.ofMinutes(30));
        assertThat(p.minSamples()).isEqualTo(10);
        assertThat(p.promoteOnCompletion()).isTrue();
        assertThat(p.shadowPhase()).isEmpty();
        assertThat(p.backoutVerification()).isEmpty();
        assertThat(p.policy().params()).containsEntry("checkpoint.mae_threshold_pct", 20.0)
                .containsEntry("checkpoint.error_rate_threshold", 0.001);
    }

    @Test
    void aPolicyFile_relativeToThePlan_replacesTheSeedThresholds() throws IOException {
        Files.copy(ExamplePoliciesRolloutTest.examples().resolve("seed-000-4.2-kill-switch.json"),
                dir.resolve("kill.json"));
        Path plan = write("plan.yaml", "model: churn\nstable_version: v1\n"
                + "candidate_version: v2\npolicy: kill.json\n");
        assertThat(RolloutPlanFile.load(plan).policy().source()).endsWith("kill.json");
    }

    static Map<String, Object> minimal() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", "churn");
        m.put("stable_version", "v1");
        m.put("candidate_version", "v2");
        return m;
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private void assertRefused(String yaml, String pointer, String value, String problem)
            throws IOException {
        Path p = write("plan.yaml", yaml);
        assertThatThrownBy(() -> RolloutPlanFile.load(p))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.source()).isEqualTo(p.toString());
                    assertThat(e.pointer()).isEqualTo(pointer);
                    assertThat(e.value()).isEqualTo(value);
                    assertThat(e.problem()).contains(problem);
                });
    }

    private static final String HEAD = "ml:\n  gradual_rollout:\n    model: churn\n"
            + "    stable_version: v1\n    candidate_version: v2\n";

    @Test
    void aStageThatIsAPercentNotAFraction_isRefusedWithItsPointerAndValue() throws IOException {
        assertRefused(HEAD + "    stages: [0.25, 50]\n", "/ml/gradual_rollout/stages/1", "50",
                "must be a fraction of traffic in (0, 1] such as 0.25");
    }

    @Test
    void stagesNotIncreasing_areRefused() throws IOException {
        assertRefused(HEAD + "    stages: [0.5, 0.25, 1.0]\n", "/ml/gradual_rollout/stages/1",
                "0.25", "stages must be strictly increasing, but this one follows 0.5");
    }

    @Test
    void anUnknownKey_isRefused_namingTheKnownOnes() throws IOException {
        assertRefused(HEAD + "    checkpoint_minutes: 30\n",
                "/ml/gradual_rollout/checkpoint_minutes", "checkpoint_minutes",
                "unknown field; the fields here are [backout_verification, candidate_version");
    }

    @Test
    void anUnknownShadowKey_isRefused() throws IOException {
        assertRefused(HEAD + "    shadow: {min_hours: 24}\n",
                "/ml/gradual_rollout/shadow/min_hours", "min_hours", "unknown field");
    }

    @Test
    void aMissingModel_isRefused() throws IOException {
        assertRefused("ml:\n  gradual_rollout:\n    stable_version: v1\n"
                + "    candidate_version: v2\n", "/ml/gradual_rollout/model", null,
                "model is required");
    }

    @Test
    void aNegativeCheckpointDuration_isRefused() throws IOException {
        assertRefused(HEAD + "    checkpoint_duration_minutes: -5\n",
                "/ml/gradual_rollout/checkpoint_duration_minutes", "-5",
                "must be a finite number > 0");
    }

    @Test
    void anErrorRateThresholdAboveOne_isRefused() throws IOException {
        assertRefused(HEAD + "    checkpoint_error_rate_threshold: 1.5\n",
                "/ml/gradual_rollout/checkpoint_error_rate_threshold", "1.5",
                "must be a number between 0 and 1");
    }

    @Test
    void aDisabledPlan_isRefused_sayingWhatSeed003MeansByIt() throws IOException {
        assertRefused(HEAD + "    enabled: false\n", "/ml/gradual_rollout/enabled", "false",
                "this plan is disabled (enabled: false)");
    }

    @Test
    void promoteWithALastStageBelow100Percent_isRefused() throws IOException {
        assertRefused(HEAD + "    stages: [0.25, 0.5]\n", "/ml/gradual_rollout/promote", null,
                "promote (the default) needs a last stage of 1.0 (100%), but the last stage "
                        + "is 0.5; set promote: false to stop at it");
    }

    @Test
    void aPolicyFileTogetherWithSeedThresholds_isRefused() throws IOException {
        assertRefused(HEAD + "    policy: p.json\n    checkpoint_mae_threshold_pct: 30\n",
                "/ml/gradual_rollout/checkpoint_mae_threshold_pct", "30",
                "cannot be set together with policy");
    }

    @Test
    void aMissingPolicyFile_isRefused() throws IOException {
        assertRefused(HEAD + "    policy: nowhere.json\n", "/ml/gradual_rollout/policy",
                "nowhere.json", "no policy file at ");
    }

    @Test
    void malformedYaml_isRefused_withItsPosition() throws IOException {
        Path p = write("plan.yaml", "ml: [\n");
        assertThatThrownBy(() -> RolloutPlanFile.load(p)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining("not well-formed YAML");
    }

    @Test
    void sameCandidateAsStable_isRefused() throws IOException {
        assertRefused("model: churn\nstable_version: v1\ncandidate_version: v1\n",
                "/candidate_version", "\"v1\"", "must differ from stable_version");
    }

    @Test
    void fromMap_errorsNameTheSource() {
        Map<String, Object> m = minimal();
        m.put("stages", List.of("0.5", "abc"));
        assertThatThrownBy(() -> RolloutPlanFile.fromMap(m, "router.rollouts.churn", null))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.source()).isEqualTo("router.rollouts.churn");
                    assertThat(e.pointer()).isEqualTo("/stages/1");
                });
    }
}
