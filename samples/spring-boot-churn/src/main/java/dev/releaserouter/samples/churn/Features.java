package dev.releaserouter.samples.churn;

/**
 * What the churn models read about a customer.
 *
 * @param customerId the customer (the router's entity key: sticky assignment and sampling)
 * @param tenant the tenant (deny lists and tenant kill switches use it)
 * @param tenureMonths months as a customer
 * @param monthlySpend spend per month
 * @param supportTickets support tickets in the last 90 days
 */
public record Features(String customerId, String tenant, int tenureMonths, double monthlySpend,
        int supportTickets) {
}
