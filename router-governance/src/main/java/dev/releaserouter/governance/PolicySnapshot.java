package dev.releaserouter.governance;

import java.time.Instant;
import java.util.Objects;

/**
 * The gate policy a version was judged by, bound to the version in the registry (seed 004
 * section 2: a <em>provisional</em> snapshot at Candidate -> Staging, the <em>definitive</em> one
 * at Staging -> Approved). Immutable.
 *
 * @param digest the policy's digest (e.g. {@code Policy.digest()}: 64 lowercase hex), non-blank
 * @param definitive false for the provisional snapshot bound at Staging, true for the one bound
 *     at Approved
 * @param time when it was bound
 */
public record PolicySnapshot(String digest, boolean definitive, Instant time) {

    /**
     * @throws NullPointerException if digest or time is null
     * @throws IllegalArgumentException if digest is blank
     */
    public PolicySnapshot {
        ReleaseGovernance.requireText(digest, "digest");
        Objects.requireNonNull(time, "time");
    }
}
