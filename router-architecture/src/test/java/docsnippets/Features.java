package docsnippets;

/**
 * The reader's model input in the documentation's snippets.
 *
 * @param customerId the entity key
 * @param tenant the tenant
 * @param tenure months as a customer
 */
public record Features(String customerId, String tenant, int tenure) {}
