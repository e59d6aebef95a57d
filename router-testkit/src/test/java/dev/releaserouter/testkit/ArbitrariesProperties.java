package dev.releaserouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.TargetingRule;
import dev.releaserouter.api.config.VersionConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.domains.Domain;

class ArbitrariesProperties {

    @Property(tries = 100)
    void generatedFlagFiles_loadBackToTheSameConfiguration(@ForAll("configs") RouterConfig config)
            throws IOException {
        Path file = Files.createTempFile("flags", ".json");
        try {
            TestFlagFiles.write(config, file);
            assertThat(TestFlagFiles.read(file)).isEqualTo(config);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Property(tries = 60)
    void theRealRouter_satisfiesEveryInvariant_onGeneratedConfigurations(
            @ForAll("scenarios") Tuple2<RouterConfig, List<RouteRequest>> scenario) {
        try (RouterInvariants invariants = RouterInvariants.forConfig(scenario.get1())
                .shareSample(2_000, 5)) {
            for (RouteRequest r : scenario.get2()) {
                invariants.assertHolds(r);
            }
            invariants.assertSharesMatchWeights();
        }
    }

    @Property(tries = 200)
    void targetingRules_areValidForTheirModel_andTheirRequestsHitThem(
            @ForAll("twoCandidateRules") List<TargetingRule> rules) {
        ModelConfig m = ModelConfig.builder("churn").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").build())
                .version(VersionConfig.builder("v3").build())
                .targeting(rules).build();
        assertThat(m.targeting()).isNotEmpty().hasSizeLessThanOrEqualTo(3);
        RouterConfig config = RouterConfig.builder().model(m).build();
        List<RouteRequest> requests = RouterArbitraries.requests(config).sampleStream()
                .limit(1_000).toList();
        assertThat(requests).anySatisfy(r -> assertThat(rules).anyMatch(x -> x.matches(r)));
        try (RouterInvariants invariants = RouterInvariants.forConfig(config)) {
            requests.forEach(r -> invariants.assertHolds(r));
        }
    }

    @Property(tries = 1, seed = "42")
    void generatedConfigurations_oftenHaveTargetingRules(@ForAll("manyConfigs")
            List<RouterConfig> configs) {
        long targeted = configs.stream().flatMap(c -> c.models().values().stream())
                .filter(m -> !m.targeting().isEmpty()).count();
        assertThat(targeted).as("models with rules among %s configurations", configs.size())
                .isGreaterThan(20);
    }

    @Provide
    Arbitrary<List<TargetingRule>> twoCandidateRules() {
        return RouterArbitraries.targetingRules(List.of("v2", "v3"));
    }

    @Provide
    Arbitrary<List<RouterConfig>> manyConfigs() {
        return RouterArbitraries.routerConfigs().list().ofSize(200);
    }

    @Property(tries = 50)
    @Domain(RouterDomain.class)
    void theDomain_providesConfigurationsAndRequests(@ForAll RouterConfig config,
            @ForAll RouteRequest request) {
        assertThat(config.models()).isNotEmpty();
        assertThat(request.entityKey()).isNotEmpty();
    }

    @Provide
    Arbitrary<RouterConfig> configs() {
        return RouterArbitraries.routerConfigs();
    }

    @Provide
    Arbitrary<Tuple2<RouterConfig, List<RouteRequest>>> scenarios() {
        return RouterArbitraries.configsWithRequests(30);
    }
}
