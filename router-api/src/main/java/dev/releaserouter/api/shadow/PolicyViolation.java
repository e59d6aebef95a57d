package dev.releaserouter.api.shadow;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named policy an output broke, with a severity: a guardrail incident (seed 001 §4, "taxa de
 * violação de políticas LLM e incidentes em guardrails"; §5, "violação de política LLM > 0
 * ocorrências críticas" rolls back). Reported by {@link OutputValidator#violations}; counted per
 * arm by the router's measurements and readable by gates ({@code critical_policy_violations}).
 * Immutable.
 *
 * @param policy the policy's name: lowercase letters, digits and {@code _ . -}, starting with a
 *     letter, at most 64 characters (a low-cardinality label, never data)
 * @param severity how bad
 */
public record PolicyViolation(String policy, Severity severity) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");

    /** How bad a violation is. */
    public enum Severity {
        /** Counted and reported; a policy may gate on it. */
        WARNING,
        /** A guardrail incident: the seeds' gates allow none. */
        CRITICAL
    }

    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the policy name is not a valid label
     */
    public PolicyViolation {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(severity, "severity");
        if (!NAME.matcher(policy).matches()) {
            throw new IllegalArgumentException("policy must be lowercase letters, digits and"
                    + " '_', '.', '-', starting with a letter, at most 64 characters, but was '"
                    + policy + "'");
        }
    }

    /**
     * @param policy the policy's name
     * @return a critical violation of it
     * @throws IllegalArgumentException if the name is not a valid label
     */
    public static PolicyViolation critical(String policy) {
        return new PolicyViolation(policy, Severity.CRITICAL);
    }

    /**
     * @param policy the policy's name
     * @return a warning of it
     * @throws IllegalArgumentException if the name is not a valid label
     */
    public static PolicyViolation warning(String policy) {
        return new PolicyViolation(policy, Severity.WARNING);
    }

    /** @return whether the severity is {@link Severity#CRITICAL} */
    public boolean isCritical() {
        return severity == Severity.CRITICAL;
    }
}
