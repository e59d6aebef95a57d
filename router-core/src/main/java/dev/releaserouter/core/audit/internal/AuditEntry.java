package dev.releaserouter.core.audit.internal;

import dev.releaserouter.api.audit.AuditEvent;

/**
 * One parsed line of an audit log: the event plus its place in the chain. Immutable.
 *
 * @param seq the 1-based sequence number
 * @param event the recorded event
 * @param prev the hash of the previous entry, or {@link AuditEntryCodec#GENESIS_HASH}
 * @param hash the hash stored on the line (not necessarily the correct one: see
 *     {@link AuditEntryCodec#hashOf(AuditEntry)})
 */
public record AuditEntry(long seq, AuditEvent event, String prev, String hash) {}
