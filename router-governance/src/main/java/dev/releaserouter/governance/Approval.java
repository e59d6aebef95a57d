package dev.releaserouter.governance;

import java.time.Instant;
import java.util.Objects;

/**
 * One person's approval of a version's promotion, in one role (e.g. {@code security},
 * {@code product}).
 *
 * @param approver who approved (a person, not a team)
 * @param role the role they approved in
 * @param time when
 */
public record Approval(String approver, String role, Instant time) {

    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if approver or role is blank
     */
    public Approval {
        Objects.requireNonNull(time, "time");
        ReleaseGovernance.requireText(approver, "approver");
        ReleaseGovernance.requireText(role, "role");
    }
}
