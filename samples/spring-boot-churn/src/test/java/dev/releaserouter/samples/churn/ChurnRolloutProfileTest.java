package dev.releaserouter.samples.churn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutStatus;
import dev.releaserouter.spring.RouterRollouts;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * The README's {@code rollout} profile: Spring Boot starts the rollout of the properties, at its
 * first stage, and {@code @ShadowV2(serve = true)} serves that stage's customers with v2.
 */
@SpringBootTest
@ActiveProfiles("rollout")
class ChurnRolloutProfileTest {

    @Autowired
    RouterRollouts rollouts;

    @Autowired
    Router router;

    @Autowired
    ChurnModelV1 v1;

    @Autowired
    ChurnModelV2 v2;

    @Test
    void rolloutProfile_startsTheRolloutAt5Percent_andV2ServesThoseCustomers() {
        RolloutController c = rollouts.controller("churn").orElseThrow();
        assertThat(c.status()).isEqualTo(RolloutStatus.RUNNING);
        assertThat(c.currentBasisPoints()).isEqualTo(500);
        assertThat(rollouts.isRunning()).isTrue();
        int served = 0;
        for (int i = 0; i < 400; i++) {
            Features f = new Features("c-" + i, "acme", 12, 80, 2);
            boolean decidedV2 = router.decide(RouteRequest.builder("churn", f.customerId())
                    .tenant("acme").build()).version().equals("v2");
            double score = v1.score(f);
            assertThat(score).isEqualTo(decidedV2 ? v2.score(f) : scoreOfV1(f));
            served += decidedV2 ? 1 : 0;
        }
        // R: qbinom(c(1e-7, 1-1e-7), 400, 0.05) = 2 46
        assertThat(served).isBetween(2, 46);
    }

    private static double scoreOfV1(Features f) {
        double z = 0.8 - 0.05 * f.tenureMonths() + 0.3 * f.supportTickets()
                - 0.002 * f.monthlySpend();
        return 1 / (1 + Math.exp(-z));
    }
}
