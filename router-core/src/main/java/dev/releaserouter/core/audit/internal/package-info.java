/**
 * Internals of the audit trail: the canonical line codec, the SHA-256 chain and the log reader.
 * Not API: may change in any release.
 */
@NullMarked
package dev.releaserouter.core.audit.internal;

import org.jspecify.annotations.NullMarked;
