package dev.releaserouter.rollout;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A temporary exception to one gate criterion of a rollout's policy. While it is valid, a
 * failing criterion of that name does not hold or roll back the rollout; from {@link
 * #expiresAt()} on it counts again, by itself. The controller writes who waived it, until when
 * and why into the reasons of each decision it excuses.
 *
 * <p>The governance waiver ({@code dev.releaserouter.governance.Waiver}) implements it.
 * Implementations must be immutable.
 */
public interface CriterionWaiver {

    /** @return the policy criterion's name */
    String criterion();

    /** @return why it is waived */
    String reason();

    /** @return who approved the waiver */
    String approvedBy();

    /** @return when it stops counting */
    Instant expiresAt();

    /** @return the change ticket, if any */
    @Nullable String ticket();

    /**
     * @param t an instant
     * @return whether the waiver counts at t (before {@link #expiresAt()})
     */
    default boolean validAt(Instant t) {
        return t.isBefore(expiresAt());
    }
}
