/**
 * Internals of the policy gates: the expression language's parser and tree, the policy file
 * parser and the built-in statistical criteria. Not a public API: these types may change in any
 * release. Use {@link dev.releaserouter.core.gates} instead.
 */
@NullMarked
package dev.releaserouter.core.internal.gates;

import org.jspecify.annotations.NullMarked;
