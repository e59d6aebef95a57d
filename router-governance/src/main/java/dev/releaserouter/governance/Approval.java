package dev.releaserouter.governance;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One person's approval of a version's next transition, in one role (e.g. {@code security},
 * {@code product}).
 *
 * @param approver who approved (a person, not a team)
 * @param role the role they approved in
 * @param time when
 * @param revalidateBy until when the approval holds (seed 004 section 5: {@code revalidate_by});
 *     null if the approver set no date. The earliest date among the approvals of a promotion to
 *     Approved becomes the version's {@link VersionRecord#revalidateBy()}
 */
public record Approval(String approver, String role, Instant time,
        @Nullable Instant revalidateBy) {

    /**
     * @throws NullPointerException if a required argument is null
     * @throws IllegalArgumentException if approver or role is blank, or revalidateBy is not
     *     after time
     */
    public Approval {
        Objects.requireNonNull(time, "time");
        ReleaseGovernance.requireText(approver, "approver");
        ReleaseGovernance.requireText(role, "role");
        if (revalidateBy != null && !revalidateBy.isAfter(time)) {
            throw new IllegalArgumentException("revalidateBy must be after the approval's time "
                    + time + ", but was " + revalidateBy);
        }
    }

    /**
     * An approval without a revalidation date.
     *
     * @param approver who approved
     * @param role the role
     * @param time when
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if approver or role is blank
     */
    public Approval(String approver, String role, Instant time) {
        this(approver, role, time, null);
    }
}
