/**
 * Flag files: the JSON format ({@link dev.releaserouter.core.flags.internal.FlagFileParser},
 * {@link dev.releaserouter.core.flags.internal.FlagFileWriter}) and the flag sources behind
 * {@link dev.releaserouter.core.FlagSources}. Internal: not part of the public API and may change
 * in any release.
 */
@NullMarked
package dev.releaserouter.core.flags.internal;

import org.jspecify.annotations.NullMarked;
