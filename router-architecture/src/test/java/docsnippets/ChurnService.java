package docsnippets;

import dev.releaserouter.api.Router;

/** The reader's service that uses a router, in docs/testkit.md. */
public class ChurnService {

    /** @param router the router */
    public ChurnService(Router router) {}

    /**
     * @param customerId the entity
     * @param tenant the tenant
     * @return a score
     */
    public double score(String customerId, String tenant) {
        return 0.5;
    }
}
