package dev.releaserouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.config.RouterConfig;
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
