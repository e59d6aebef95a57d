package dev.releaserouter.rollout;

import java.util.List;
import java.util.Objects;

/**
 * What a shadow phase's exit criteria made of a {@link ShadowEvidence} (seed 000 §3.2, seed 002
 * "SLA Validation Criteria"): PASS lets the canary stages start, FAIL ends the rollout with the
 * candidate never served, NOT_ENOUGH_DATA waits for more shadow calls.
 *
 * <p>Immutable and thread-safe.
 *
 * @param result the outcome
 * @param reasons one line per criterion, e.g. {@code match_rate 0.97 >= 0.95: ok}, then the
 *     evidence it was judged on
 * @param evidence what was judged
 */
public record ShadowVerdict(Result result, List<String> reasons, ShadowEvidence evidence) {

    /** The outcome of a shadow judgement. */
    public enum Result {
        /** Every criterion met on enough comparisons: the canary may start. */
        PASS,
        /** A criterion not met: the candidate is not promoted to canary. */
        FAIL,
        /** Fewer comparisons than the criteria need, and nothing failed yet. */
        NOT_ENOUGH_DATA
    }

    /**
     * Validates and copies.
     *
     * @param result as described on the record
     * @param reasons as described on the record
     * @param evidence as described on the record
     * @throws NullPointerException if a reference is null
     */
    public ShadowVerdict {
        Objects.requireNonNull(result, "result");
        reasons = List.copyOf(reasons);
        Objects.requireNonNull(evidence, "evidence");
    }
}
