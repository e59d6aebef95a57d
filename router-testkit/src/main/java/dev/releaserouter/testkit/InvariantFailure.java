package dev.releaserouter.testkit;

import java.util.Objects;

/**
 * Thrown by the {@code assert...} methods of {@link RouterInvariants} and by
 * {@link InvariantReport#assertPassed()}: an {@link AssertionError}, so JUnit and jqwik report it
 * as a failed test (and jqwik shrinks the request that caused it).
 */
public final class InvariantFailure extends AssertionError {

    private static final long serialVersionUID = 1L;

    private final transient InvariantReport report;

    /**
     * @param report the failed report
     * @throws NullPointerException if {@code report} is null
     */
    public InvariantFailure(InvariantReport report) {
        super(Objects.requireNonNull(report, "report").toString());
        this.report = report;
    }

    /** @return the report, with every violation */
    public InvariantReport report() {
        return report;
    }
}
