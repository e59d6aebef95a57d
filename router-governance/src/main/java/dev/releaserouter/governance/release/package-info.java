/**
 * Release artifacts: the {@link dev.releaserouter.governance.release.ReleaseManifest} that pins a
 * model version to its artifact and policy digests, rollback target, approvals and change ticket;
 * the {@link dev.releaserouter.rollout.ChangeType} of a change; and {@link
 * dev.releaserouter.governance.release.ReleaseArtifacts}, which writes the manifest, the policy
 * snapshot, the canary plan, the release notes skeleton and the rollout decisions into a release
 * directory. See {@code docs/release.md}.
 */
@NullMarked
package dev.releaserouter.governance.release;

import org.jspecify.annotations.NullMarked;
