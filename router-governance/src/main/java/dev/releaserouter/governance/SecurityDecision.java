package dev.releaserouter.governance;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The security review's verdict on a version, an input of the Promote -> Staging gate (seed 004
 * section 5: "SBOM without a blocking CVE, {@code security_decision=PASS}"; seed 001 section 2).
 * Immutable.
 *
 * @param decision {@code PASS} or {@code FAIL} (stored upper case)
 * @param sbomRef where the version's SBOM is (a URI, a digest), or null if none was given
 * @param blockingCves the CVEs the review found blocking (empty when none)
 */
public record SecurityDecision(String decision, @Nullable String sbomRef,
        List<String> blockingCves) {

    /**
     * @throws NullPointerException if decision or blockingCves is null
     * @throws IllegalArgumentException if decision is not PASS or FAIL, or a CVE id is blank
     */
    public SecurityDecision {
        Objects.requireNonNull(decision, "decision");
        decision = decision.strip().toUpperCase(Locale.ROOT);
        if (!decision.equals("PASS") && !decision.equals("FAIL")) {
            throw new IllegalArgumentException("security_decision must be PASS or FAIL, but was '"
                    + decision + "'");
        }
        if (sbomRef != null && sbomRef.isBlank()) {
            sbomRef = null;
        }
        List<String> cves = new ArrayList<>();
        for (String c : blockingCves) {
            cves.add(ReleaseGovernance.requireText(c, "blockingCves[]").strip());
        }
        blockingCves = List.copyOf(cves);
    }

    /**
     * @param sbomRef where the SBOM is
     * @return a PASS decision with that SBOM and no blocking CVE
     */
    public static SecurityDecision pass(String sbomRef) {
        return new SecurityDecision("PASS", ReleaseGovernance.requireText(sbomRef, "sbomRef"),
                List.of());
    }

    /**
     * @return the reasons the Promote -> Staging gate refuses this decision: not PASS, no SBOM
     *     reference, a blocking CVE; empty if it passes
     */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (!decision.equals("PASS")) {
            out.add("security_decision is " + decision + ", must be PASS");
        }
        if (sbomRef == null) {
            out.add("no SBOM reference");
        }
        if (!blockingCves.isEmpty()) {
            out.add("blocking CVEs in the SBOM: " + String.join(", ", blockingCves));
        }
        return out;
    }
}
