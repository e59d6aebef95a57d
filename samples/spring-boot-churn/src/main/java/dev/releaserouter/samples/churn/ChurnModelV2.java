package dev.releaserouter.samples.churn;

import org.springframework.stereotype.Component;

/**
 * The candidate churn model: same inputs, retrained weights. Only ever called as a shadow here.
 * Stateless and thread-safe.
 */
@Component("churnModelV2")
public class ChurnModelV2 {

    /** Created by Spring. */
    public ChurnModelV2() {
    }

    /**
     * Scores a customer.
     *
     * @param f the features
     * @return the churn probability, 0 to 1
     */
    public double score(Features f) {
        double z = 0.9 - 0.045 * f.tenureMonths() + 0.35 * f.supportTickets()
                - 0.0025 * f.monthlySpend();
        return 1 / (1 + Math.exp(-z));
    }
}
