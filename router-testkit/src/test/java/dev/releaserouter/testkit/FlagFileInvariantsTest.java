package dev.releaserouter.testkit;

import dev.releaserouter.api.RouteRequest;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The example of docs/testkit.md, compiled and run as it is printed there. */
class FlagFileInvariantsTest {

    // The application's own flag file, from its classpath (src/main/resources/flags.json).
    static final RouterInvariants INVARIANTS =
            RouterInvariants.forClasspathFlagFile("flags.json");

    @Property(tries = 500)
    void routingInvariantsHold(@ForAll("requests") RouteRequest request) {
        INVARIANTS.assertHolds(request);
    }

    @Provide
    Arbitrary<RouteRequest> requests() {
        return RouterArbitraries.requests(INVARIANTS.currentConfig());
    }

    @Test
    void sharesMatchWeights() {
        INVARIANTS.assertSharesMatchWeights();
    }
}
