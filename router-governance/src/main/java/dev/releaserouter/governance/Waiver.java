package dev.releaserouter.governance;

import dev.releaserouter.rollout.CriterionWaiver;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A temporary exception to one gate criterion (seed 004 section 5: "waiver only through an SCDR
 * with a TTL; the gates check the expiry"). While it is valid, a failing criterion of that name
 * does not hold or roll back a rollout; from {@code expiresAt} on it counts again, by itself.
 *
 * @param criterion the policy criterion's name
 * @param reason why it is waived
 * @param approvedBy who approved the waiver
 * @param expiresAt when it stops counting
 * @param ticket the SCDR or change ticket, if any
 */
public record Waiver(String criterion, String reason, String approvedBy, Instant expiresAt,
        @Nullable String ticket) implements CriterionWaiver {

    /**
     * @throws NullPointerException if a required argument is null
     * @throws IllegalArgumentException if a text is blank
     */
    public Waiver {
        ReleaseGovernance.requireText(criterion, "criterion");
        ReleaseGovernance.requireText(reason, "reason");
        ReleaseGovernance.requireText(approvedBy, "approvedBy");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /**
     * @param t an instant
     * @return whether the waiver counts at t (before {@code expiresAt})
     */
    @Override
    public boolean validAt(Instant t) {
        return t.isBefore(expiresAt);
    }
}
