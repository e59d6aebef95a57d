package dev.releaserouter.api.config;

import dev.releaserouter.api.RouteRequest;
import org.jspecify.annotations.Nullable;

/** A segmentation dimension of a request, used by allow lists, deny lists and kill switches. */
public enum Dimension {
    /** {@link RouteRequest#tenant()}. */
    TENANT("tenants"),
    /** {@link RouteRequest#region()}. */
    REGION("regions"),
    /** {@link RouteRequest#channel()}. */
    CHANNEL("channels"),
    /** {@link RouteRequest#product()}. */
    PRODUCT("products");

    private final String jsonName;

    Dimension(String jsonName) {
        this.jsonName = jsonName;
    }

    /** @return the field name used in flag files, e.g. {@code tenants} */
    public String jsonName() {
        return jsonName;
    }

    /**
     * Reads this dimension's value from a request.
     *
     * @param request the request
     * @return the value, or null if the request does not carry it
     */
    public @Nullable String valueOf(RouteRequest request) {
        switch (this) {
            case TENANT:
                return request.tenant();
            case REGION:
                return request.region();
            case CHANNEL:
                return request.channel();
            default:
                return request.product();
        }
    }
}
