package dev.releaserouter.governance;

import java.time.Instant;
import java.util.Objects;

/**
 * What {@link ReleaseGovernance#checkRevalidation} found about one Approved version whose
 * approval expires ({@code revalidate_by}, seed 004 section 5). Immutable.
 *
 * @param model the model
 * @param version the version
 * @param revalidateBy when its approval expires
 * @param kind a warning ahead of the date, or the expiry itself
 * @param message a line for a status page or a log, e.g. {@code churn/v2 must be revalidated by
 *     2026-12-01T00:00:00Z (in PT48H)}
 */
public record RevalidationNotice(String model, String version, Instant revalidateBy, Kind kind,
        String message) {

    /** How close the version is to its {@code revalidate_by}. */
    public enum Kind {
        /** Within the warning lead time: still routable. */
        WARNING,
        /** Reached: not routable until renewed. */
        EXPIRED
    }

    /** @throws NullPointerException if an argument is null */
    public RevalidationNotice {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(revalidateBy, "revalidateBy");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }
}
