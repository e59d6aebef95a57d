package dev.releaserouter.testkit;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The outcome of checking invariants: what was checked, on how many requests, and every
 * violation found. Immutable and thread-safe.
 */
public final class InvariantReport {

    /** At most this many violations are spelled out in {@link #toString()}. */
    private static final int SHOWN = 10;

    private final String subject;
    private final Set<Invariant> checked;
    private final long requests;
    private final List<Violation> violations;

    /**
     * @param subject what was checked, e.g. {@code file:/app/flags.json}
     * @param checked the invariants checked
     * @param requests how many requests were decided
     * @param violations the violations found, in the order found
     */
    public InvariantReport(String subject, Set<Invariant> checked, long requests,
            List<Violation> violations) {
        this.subject = subject;
        this.checked = checked.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(checked));
        this.requests = requests;
        this.violations = List.copyOf(violations);
    }

    /** @return what was checked: a flag file, a configuration or a router */
    public String subject() {
        return subject;
    }

    /** @return the invariants checked */
    public Set<Invariant> checked() {
        return checked;
    }

    /** @return the number of requests the router decided or routed for the check */
    public long requests() {
        return requests;
    }

    /** @return every violation, in the order found; empty if the check passed */
    public List<Violation> violations() {
        return violations;
    }

    /** @return true if no invariant was violated */
    public boolean passed() {
        return violations.isEmpty();
    }

    /**
     * @param invariant an invariant
     * @return the violations of that invariant
     */
    public List<Violation> violationsOf(Invariant invariant) {
        return violations.stream().filter(v -> v.invariant() == invariant)
                .collect(Collectors.toUnmodifiableList());
    }

    /**
     * Throws if the check failed.
     *
     * @return this report, if it passed
     * @throws InvariantFailure if any invariant was violated; its message lists the violations
     */
    public InvariantReport assertPassed() {
        if (!passed()) {
            throw new InvariantFailure(this);
        }
        return this;
    }

    /** @return a summary and the first violations, each with its request and decision */
    @Override
    public String toString() {
        String names = checked.stream().map(Enum::name).sorted()
                .collect(Collectors.joining(", "));
        StringBuilder b = new StringBuilder();
        if (passed()) {
            return b.append("router invariants hold for ").append(subject).append(" (")
                    .append(names).append("; ").append(requests).append(" requests)").toString();
        }
        b.append(violations.size()).append(" violation(s) of router invariants for ")
                .append(subject).append(" (").append(names).append("; ").append(requests)
                .append(" requests):");
        for (int i = 0; i < Math.min(SHOWN, violations.size()); i++) {
            b.append("\n  ").append(i + 1).append(". ").append(violations.get(i).describe());
        }
        if (violations.size() > SHOWN) {
            b.append("\n  ... and ").append(violations.size() - SHOWN).append(" more");
        }
        return b.toString();
    }
}
