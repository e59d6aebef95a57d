/**
 * Internals of PII masking: the tree walk, the free-text detectors with their check digits, the
 * keyed hash and JSON pointer parsing. Not API: may change in any release. The public entry point
 * is {@link dev.releaserouter.core.shadow.masking.MaskingRules}.
 */
@NullMarked
package dev.releaserouter.core.internal.masking;

import org.jspecify.annotations.NullMarked;
