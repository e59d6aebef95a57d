/**
 * Audit trail sinks: an append-only, hash-chained JSONL file ({@link
 * dev.releaserouter.core.audit.JsonlAuditSink}) with its verifier, an SLF4J mirror ({@link
 * dev.releaserouter.core.audit.Slf4jAuditSink}) and {@link
 * dev.releaserouter.core.audit.AuditSinks#composite(dev.releaserouter.api.audit.AuditSink...)}.
 *
 * <p>The router records every change before it takes effect and refuses the change when a sink
 * throws. The file format is a wire contract described in {@code docs/audit.md}.
 */
@NullMarked
package dev.releaserouter.core.audit;

import org.jspecify.annotations.NullMarked;
