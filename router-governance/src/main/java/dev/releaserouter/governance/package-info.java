/**
 * Release governance (seed 004): version stages Candidate -> Staging -> Approved -> Revoked with
 * four-eyes approval, a model registry SPI, aliases the router follows, change types, freeze
 * windows and waivers. {@link dev.releaserouter.governance.ReleaseGovernance} is the entry
 * point; every transition goes through the audit trail.
 */
@NullMarked
package dev.releaserouter.governance;

import org.jspecify.annotations.NullMarked;
