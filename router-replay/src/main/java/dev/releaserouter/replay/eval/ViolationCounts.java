package dev.releaserouter.replay.eval;

import dev.releaserouter.api.shadow.PolicyViolation;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Policy violations of a candidate's outputs (seed 001 §4: "taxa de violação de políticas" and
 * "incidentes em guardrails"; §6: {@code shadow_eval.json} lists them): how many outputs were
 * checked, how many violations they reported, how many critical, and per policy. Immutable.
 *
 * @param checked outputs whose violations were checked
 * @param total violations reported
 * @param critical critical violations reported
 * @param byPolicy per policy name, its violations and critical ones (sorted by name)
 */
public record ViolationCounts(long checked, long total, long critical,
        Map<String, PolicyCount> byPolicy) {

    /** Nothing checked. */
    public static final ViolationCounts NONE = new ViolationCounts(0, 0, 0, Map.of());

    /**
     * One policy's violations.
     *
     * @param total violations of the policy
     * @param critical those that were critical
     */
    public record PolicyCount(long total, long critical) {}

    /**
     * @throws IllegalArgumentException if a count is negative or critical exceeds total
     * @throws NullPointerException if byPolicy is null
     */
    public ViolationCounts {
        if (checked < 0 || total < 0 || critical < 0 || critical > total) {
            throw new IllegalArgumentException("violation counts must be >= 0 with critical <="
                    + " total, but were checked=" + checked + ", total=" + total + ", critical="
                    + critical);
        }
        byPolicy = Collections.unmodifiableMap(new TreeMap<>(
                Objects.requireNonNull(byPolicy, "byPolicy")));
    }

    /** Accumulates counts. Not thread-safe. */
    static final class Tally {
        private long checked;
        private long total;
        private long critical;
        private final TreeMap<String, long[]> byPolicy = new TreeMap<>();

        void add(Iterable<PolicyViolation> violations) {
            checked++;
            for (PolicyViolation v : violations) {
                long[] c = byPolicy.computeIfAbsent(v.policy(), k -> new long[2]);
                total++;
                c[0]++;
                if (v.isCritical()) {
                    critical++;
                    c[1]++;
                }
            }
        }

        ViolationCounts counts() {
            if (checked == 0) {
                return NONE;
            }
            TreeMap<String, PolicyCount> m = new TreeMap<>();
            byPolicy.forEach((k, c) -> m.put(k, new PolicyCount(c[0], c[1])));
            return new ViolationCounts(checked, total, critical, m);
        }
    }
}
