package dev.releaserouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.config.RouterConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ArbitrariesTest {

    @Test
    void requestsForAFlagFile_includeItsDeniedTenantsAndForbiddenDataClasses() {
        RouterConfig canary =
                TestFlagFiles.read(Path.of("../docs/examples/canary-5pct-segmented.json"));
        RouterConfig shadow = TestFlagFiles.read(Path.of("../docs/examples/shadow-10pct.json"));

        List<RouteRequest> rs = RouterArbitraries.requests(canary).sampleStream().limit(300)
                .collect(Collectors.toList());
        List<RouteRequest> ss = RouterArbitraries.requests(shadow).sampleStream().limit(300)
                .collect(Collectors.toList());

        assertThat(rs).extracting(RouteRequest::tenant).contains("vip_retail", "regulated_fx",
                null);
        assertThat(rs).extracting(RouteRequest::region).contains("BR", "LATAM");
        assertThat(ss).anyMatch(r -> r.dataClasses().contains("sovereign-br"));
        assertThat(ss).anyMatch(r -> r.dataClasses().isEmpty());
    }
}
