package dev.releaserouter.rollout.gates;

import dev.releaserouter.stats.SequentialTest;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What earlier windows left behind for the next evaluation of one policy: each criterion's run
 * of consecutive breached windows, and the state of each {@code sequential} criterion's
 * always-valid test. Use {@link #empty()} for the first window and
 * {@link #append(GateVerdict)} after each one.
 *
 * <p>A history belongs to a policy digest: evaluating a different policy (a changed file)
 * starts from an empty history.
 *
 * <p>Immutable and thread-safe: {@link #append} returns a new instance.
 */
public final class GateHistory {

    private static final GateHistory EMPTY = new GateHistory(null, Map.of(), Map.of(), 0);

    private final @Nullable String policyDigest;
    private final Map<String, Integer> streaks;
    private final Map<String, SequentialTest> sequentialTests;
    private final int windows;

    private GateHistory(@Nullable String policyDigest, Map<String, Integer> streaks,
            Map<String, SequentialTest> sequentialTests, int windows) {
        this.policyDigest = policyDigest;
        this.streaks = Map.copyOf(streaks);
        this.sequentialTests = Map.copyOf(sequentialTests);
        this.windows = windows;
    }

    /**
     * The history before any window.
     *
     * @return the empty history
     */
    public static GateHistory empty() {
        return EMPTY;
    }

    /**
     * The history after one more window.
     *
     * @param verdict the verdict of that window, evaluated with this history
     * @return a new history carrying the verdict's streaks and sequential tests
     * @throws NullPointerException if the verdict is null
     */
    public GateHistory append(GateVerdict verdict) {
        Objects.requireNonNull(verdict, "verdict");
        Map<String, Integer> s = new HashMap<>();
        for (CriterionResult r : verdict.criteria()) {
            s.put(r.name(), r.streak());
        }
        return new GateHistory(verdict.policyDigest(), s, verdict.sequentialTests(),
                (verdict.policyDigest().equals(policyDigest) ? windows : 0) + 1);
    }

    /**
     * This history without the sequential tests' states, its streaks kept: for a new sequence
     * of looks at new cumulative data, such as a rollout stage with a new traffic split, whose
     * evidence starts afresh.
     *
     * @return a new history whose {@code sequential} criteria take their first look next
     */
    public GateHistory withoutSequentialTests() {
        return sequentialTests.isEmpty() ? this
                : new GateHistory(policyDigest, streaks, Map.of(), windows);
    }

    /**
     * The breached windows in a row that ended with the last appended window.
     *
     * @param criterion the criterion's name
     * @return the streak, 0 if unknown
     */
    public int streak(String criterion) {
        return streaks.getOrDefault(criterion, 0);
    }

    /**
     * How many windows of the current policy were appended.
     *
     * @return the count
     */
    public int windows() {
        return windows;
    }

    /**
     * The digest of the policy the history belongs to.
     *
     * @return the digest, null for the empty history
     */
    public @Nullable String policyDigest() {
        return policyDigest;
    }

    /** The history as seen by a policy with the given digest: empty when it differs. */
    GateHistory forPolicy(String digest) {
        return digest.equals(policyDigest) ? this : EMPTY;
    }

    @Nullable SequentialTest sequentialTest(String criterion) {
        return sequentialTests.get(criterion);
    }

    @Override
    public String toString() {
        return "GateHistory[windows=" + windows + ", streaks=" + streaks + "]";
    }
}
