package dev.releaserouter.testkit;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.config.RouterConfig;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Provide;
import net.jqwik.api.domains.DomainContextBase;

/**
 * A jqwik domain that makes {@code @ForAll RouterConfig} and {@code @ForAll RouteRequest} work
 * without {@code @Provide} methods:
 *
 * <pre>{@code
 * @Property
 * @Domain(RouterDomain.class)
 * void anyConfig_anyRequest(@ForAll RouterConfig config, @ForAll RouteRequest request) { ... }
 * }</pre>
 *
 * <p>Requests of this domain are for the models {@code churn}, {@code fraud}, {@code ltv} and
 * {@code pricing} and do not depend on the configuration; to draw requests from a configuration
 * use {@link RouterArbitraries#requests(RouterConfig)} or
 * {@link RouterArbitraries#configsWithRequests(int)}. Instantiated by jqwik; stateless.
 */
public class RouterDomain extends DomainContextBase {

    /** Creates the domain; jqwik calls it. */
    public RouterDomain() {}

    /** @return valid configurations, see {@link RouterArbitraries#routerConfigs()} */
    @Provide
    public Arbitrary<RouterConfig> routerConfigs() {
        return RouterArbitraries.routerConfigs();
    }

    /** @return requests for the generated configurations' model names */
    @Provide
    public Arbitrary<RouteRequest> routeRequests() {
        return Arbitraries.of("churn", "fraud", "ltv", "pricing")
                .flatMap(RouterArbitraries::requests);
    }
}
