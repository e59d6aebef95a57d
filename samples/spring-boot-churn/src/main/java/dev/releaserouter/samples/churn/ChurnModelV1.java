package dev.releaserouter.samples.churn;

import dev.releaserouter.api.annotation.ShadowV2;
import org.springframework.stereotype.Component;

/**
 * The stable churn model. {@code @ShadowV2(serve = true)} routes every call through the router's
 * decision: {@link ChurnModelV2} answers the share of customers its weight in the flag file (or a
 * rollout's stage) gives it (0% in the flag file), this model answers the rest and a copy of
 * their features goes to {@link ChurnModelV2} on the router's shadow executor, when the flag file
 * shadows {@code churn} v2. Stateless and thread-safe.
 */
@Component
public class ChurnModelV1 {

    /** Created by Spring. */
    public ChurnModelV1() {
    }

    /**
     * Scores a customer.
     *
     * @param f the features
     * @return the churn probability, 0 to 1
     */
    @ShadowV2(model = "churn", candidate = "churnModelV2", entityKey = "#p0.customerId()",
            tenant = "#p0.tenant()", serve = true)
    public double score(Features f) {
        double z = 0.8 - 0.05 * f.tenureMonths() + 0.3 * f.supportTickets()
                - 0.002 * f.monthlySpend();
        return 1 / (1 + Math.exp(-z));
    }
}
