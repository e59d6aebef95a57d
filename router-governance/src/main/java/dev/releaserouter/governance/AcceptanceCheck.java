package dev.releaserouter.governance;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One automated acceptance check run when a version is submitted (seed 004 section 2: "Submit ->
 * Candidate: automated acceptance", and again at Candidate -> Staging). A check returns the
 * reasons it refuses the submission, or an empty list. Register checks with
 * {@link ReleaseGovernance.Builder#acceptanceChecks}; the built-in ones are
 * {@link #manifestPresent()}, {@link #metricAtLeast} and {@link #digestMatchesManifest()}.
 *
 * <p>A check is user code: whatever it throws is contained (a fatal VM error is rethrown),
 * counted in {@link ReleaseGovernance#acceptanceCheckFailures()} and refuses the submission
 * with the exception as the reason. Implementations must be thread-safe and should not block
 * for long: they run under the governance's lock.
 */
@FunctionalInterface
public interface AcceptanceCheck {

    /**
     * @param model the model
     * @param version the version submitted
     * @param request what was handed in with the submission
     * @return the reasons to refuse, empty if the check passes (never null)
     */
    List<String> check(String model, String version, ChangeRequest request);

    /**
     * @return a check that refuses a submission without a release manifest, or whose manifest
     *     names another model or version
     */
    static AcceptanceCheck manifestPresent() {
        return (model, version, request) -> {
            if (request.manifest().isEmpty()) {
                return List.of("no release manifest");
            }
            var m = request.manifest().get();
            if (!m.model().equals(model) || !m.version().equals(version)) {
                return List.of("the release manifest is for " + m.model() + "/" + m.version()
                        + ", not " + model + "/" + version);
            }
            return List.of();
        };
    }

    /**
     * @param metric the metric's name, e.g. {@code auc}
     * @param floor the lowest value accepted
     * @return a check that refuses a submission whose metric is missing or below the floor
     * @throws IllegalArgumentException if metric is blank or floor is not finite
     */
    static AcceptanceCheck metricAtLeast(String metric, double floor) {
        ReleaseGovernance.requireText(metric, "metric");
        if (!Double.isFinite(floor)) {
            throw new IllegalArgumentException("floor must be finite, but was " + floor);
        }
        return (model, version, request) -> {
            Double v = request.metrics().get(metric);
            if (v == null) {
                return List.of("metric " + metric + " missing (must be >= " + floor + ")");
            }
            return v >= floor ? List.of() : List.of("metric " + metric + " is " + v
                    + ", below the floor " + floor);
        };
    }

    /**
     * @return a check that refuses a submission whose artifact digest is missing or differs from
     *     its release manifest's {@code artifact_digest} (a manifest is required too)
     */
    static AcceptanceCheck digestMatchesManifest() {
        return (model, version, request) -> {
            List<String> out = new ArrayList<>();
            if (request.manifest().isEmpty()) {
                out.add("no release manifest to match the artifact digest against");
            } else if (request.artifactDigest().isEmpty()) {
                out.add("no artifact digest submitted");
            } else if (!Objects.equals(request.artifactDigest().get(),
                    request.manifest().get().artifactDigest())) {
                out.add("artifact digest " + request.artifactDigest().get() + " differs from "
                        + "the manifest's " + request.manifest().get().artifactDigest());
            }
            return out;
        };
    }
}
