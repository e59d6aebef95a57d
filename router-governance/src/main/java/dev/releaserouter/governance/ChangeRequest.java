package dev.releaserouter.governance;

import dev.releaserouter.governance.release.ReleaseManifest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a person or a pipeline hands in with a transition, besides who and why (the
 * {@link dev.releaserouter.api.admin.ChangeContext}): the evidence the acceptance checks read
 * (manifest, artifact digest, offline metrics), the security decision of the Promote -> Staging
 * gate, the change ticket, and the executive approver of an emergency change outside a change
 * window. Every part is optional; what the configured gates need must be there.
 * {@link #NONE} has nothing. Immutable.
 */
public final class ChangeRequest {

    /** A request with nothing in it. */
    public static final ChangeRequest NONE = builder().build();

    private final @Nullable ReleaseManifest manifest;
    private final @Nullable String artifactDigest;
    private final Map<String, Double> metrics;
    private final @Nullable SecurityDecision securityDecision;
    private final @Nullable ChangeTicket ticket;
    private final @Nullable String executiveApprover;

    private ChangeRequest(Builder b) {
        this.manifest = b.manifest;
        this.artifactDigest = b.artifactDigest;
        this.metrics = Map.copyOf(b.metrics);
        this.securityDecision = b.securityDecision;
        this.ticket = b.ticket;
        this.executiveApprover = b.executiveApprover;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the version's release manifest, if given */
    public Optional<ReleaseManifest> manifest() {
        return Optional.ofNullable(manifest);
    }

    /** @return the digest of the artifact submitted ({@code sha256:<hex>}), if given */
    public Optional<String> artifactDigest() {
        return Optional.ofNullable(artifactDigest);
    }

    /** @return offline metrics of the version (e.g. {@code auc}), by name */
    public Map<String, Double> metrics() {
        return metrics;
    }

    /** @return the security decision, if given */
    public Optional<SecurityDecision> securityDecision() {
        return Optional.ofNullable(securityDecision);
    }

    /** @return the change ticket, if given */
    public Optional<ChangeTicket> ticket() {
        return Optional.ofNullable(ticket);
    }

    /** @return the executive who approved an emergency change, if given */
    public Optional<String> executiveApprover() {
        return Optional.ofNullable(executiveApprover);
    }

    /** Builds a {@link ChangeRequest}. Not thread-safe. */
    public static final class Builder {
        private @Nullable ReleaseManifest manifest;
        private @Nullable String artifactDigest;
        private final Map<String, Double> metrics = new LinkedHashMap<>();
        private @Nullable SecurityDecision securityDecision;
        private @Nullable ChangeTicket ticket;
        private @Nullable String executiveApprover;

        private Builder() {}

        /**
         * @param manifest the version's validated release manifest
         * @return this builder
         */
        public Builder manifest(ReleaseManifest manifest) {
            this.manifest = Objects.requireNonNull(manifest, "manifest");
            return this;
        }

        /**
         * @param digest {@code sha256:<hex>} of the artifact submitted
         * @return this builder
         */
        public Builder artifactDigest(String digest) {
            this.artifactDigest = ReleaseGovernance.requireText(digest, "artifactDigest");
            return this;
        }

        /**
         * @param name a metric's name, e.g. {@code auc}
         * @param value its value, finite
         * @return this builder
         * @throws IllegalArgumentException if name is blank or value is not finite
         */
        public Builder metric(String name, double value) {
            ReleaseGovernance.requireText(name, "metric name");
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("metric '" + name + "' must be finite, but "
                        + "was " + value);
            }
            metrics.put(name, value);
            return this;
        }

        /**
         * @param decision the security review's decision
         * @return this builder
         */
        public Builder securityDecision(SecurityDecision decision) {
            this.securityDecision = Objects.requireNonNull(decision, "decision");
            return this;
        }

        /**
         * @param ticket the change ticket
         * @return this builder
         */
        public Builder ticket(ChangeTicket ticket) {
            this.ticket = Objects.requireNonNull(ticket, "ticket");
            return this;
        }

        /**
         * @param approver the executive who approved an emergency change outside a change
         *     window (seed 004 section 9); must be one of the governance's
         *     {@linkplain ReleaseGovernance.Builder#executives executives} and not the actor
         * @return this builder
         */
        public Builder executiveApprover(String approver) {
            this.executiveApprover = ReleaseGovernance.requireText(approver, "executiveApprover");
            return this;
        }

        /** @return the request */
        public ChangeRequest build() {
            return new ChangeRequest(this);
        }
    }
}
