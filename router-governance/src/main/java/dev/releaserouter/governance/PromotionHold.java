package dev.releaserouter.governance;

import java.time.Instant;
import java.util.Objects;

/**
 * A hold on new promotions of one version, e.g. a critical CVE found in its SBOM after the
 * release (seed 004 section 10: "notify, hold new promotions, build vX.Y.Z+fix, repeat the
 * canary"). While a version has a hold, {@link ReleaseGovernance} refuses to move it forward
 * (Staging, Approved, an alias pointing at it); backouts and revocation stay allowed. Only a
 * person releases it ({@link ReleaseGovernance#releaseHold}). Immutable.
 *
 * @param id what the hold is for, e.g. {@code CVE-2026-12345}
 * @param reason why
 * @param placedBy who placed it
 * @param time when
 */
public record PromotionHold(String id, String reason, String placedBy, Instant time) {

    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a text is blank
     */
    public PromotionHold {
        ReleaseGovernance.requireText(id, "id");
        ReleaseGovernance.requireText(reason, "reason");
        ReleaseGovernance.requireText(placedBy, "placedBy");
        Objects.requireNonNull(time, "time");
    }
}
