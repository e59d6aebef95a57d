package dev.releaserouter.benchmarks.competitors;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The decision every SDK reproduces, and the check that proves it does.
 *
 * <p>Model {@code churn}: stable {@code v1}, candidate {@code v2} at 5% by a stable hash of the
 * entity key; tenants on the deny list always get {@code v1}; only regions {@code BR} and
 * {@code LATAM} may get {@code v2}.
 */
public final class ChurnRules {

    /** Number of pre-built requests; a power of two so the index is a mask. */
    public static final int REQUESTS = 4096;

    /** The flag / model / feature key in every SDK. */
    public static final String KEY = "churn";

    /** A tenant that is always on the deny list. */
    public static final String DENIED_TENANT = "vip-tenant-0";

    private ChurnRules() {
    }

    /**
     * The tenants on the deny list.
     *
     * @param size how many
     * @return {@code vip-tenant-0} .. {@code vip-tenant-(size-1)}
     */
    public static List<String> deniedTenants(int size) {
        List<String> denied = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            denied.add("vip-tenant-" + i);
        }
        return denied;
    }

    /**
     * The entity key of request {@code i}.
     *
     * @param i the request index
     * @return the key
     */
    public static String entityKey(int i) {
        return "customer-" + (1_000_000 + i * 7919L);
    }

    /**
     * The tenant of request {@code i} (never denied).
     *
     * @param i the request index
     * @return the tenant
     */
    public static String tenant(int i) {
        return "tenant-" + (i % 50);
    }

    /**
     * The region of request {@code i}: BR and LATAM alternating.
     *
     * @param i the request index
     * @return the region
     */
    public static String region(int i) {
        return i % 2 == 0 ? "BR" : "LATAM";
    }

    /**
     * Renders strings as a JSON array.
     *
     * @param values the strings (plain ASCII, no escaping needed)
     * @return {@code ["a","b"]}
     */
    static String jsonArray(List<String> values) {
        StringBuilder sb = new StringBuilder(values.size() * 16 + 2).append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('"').append(values.get(i)).append('"');
        }
        return sb.append(']').toString();
    }

    /**
     * A decision function of one SDK: (entity key, tenant, region) to variant.
     */
    @FunctionalInterface
    public interface Decider {
        /**
         * Decides.
         *
         * @param key the entity key
         * @param tenant the tenant
         * @param region the region
         * @return {@code v1} or {@code v2}
         */
        String decide(String key, String tenant, String region);
    }

    /**
     * Fails unless the SDK makes the same decision: between 2% and 9% of the 4,096 requests get
     * {@code v2}; every key that got {@code v2} gets {@code v1} for a denied tenant and for a
     * region outside BR/LATAM.
     *
     * @param sdk the SDK's name, for the message
     * @param byIndex the decision of pre-built request {@code i}, through the SDK's own objects
     * @param decider a decision for ad-hoc (key, tenant, region)
     * @return a one-line summary
     */
    public static String verify(String sdk, Function<Integer, String> byIndex, Decider decider) {
        int v2 = 0;
        List<String> v2Keys = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            String variant = byIndex.apply(i);
            if ("v2".equals(variant)) {
                v2++;
                v2Keys.add(entityKey(i));
            } else if (!"v1".equals(variant)) {
                throw new IllegalStateException(sdk + ": unexpected variant " + variant);
            }
        }
        double share = v2 / (double) REQUESTS;
        if (share < 0.02 || share > 0.09) {
            throw new IllegalStateException(sdk + ": v2 share " + share + " is not about 5%");
        }
        for (String key : v2Keys) {
            if (!"v2".equals(decider.decide(key, "tenant-1", "BR"))) {
                throw new IllegalStateException(sdk + ": " + key + " is not stable");
            }
            if (!"v1".equals(decider.decide(key, DENIED_TENANT, "BR"))) {
                throw new IllegalStateException(sdk + ": denied tenant got v2 for " + key);
            }
            if (!"v1".equals(decider.decide(key, "tenant-1", "US"))) {
                throw new IllegalStateException(sdk + ": region US got v2 for " + key);
            }
        }
        return String.format("%s: v2 share %.2f%% (%d/%d); denied tenant and region US -> v1",
                sdk, share * 100, v2, REQUESTS);
    }
}
