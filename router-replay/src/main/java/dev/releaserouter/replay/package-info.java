/**
 * Offline replay of stored shadow pairs: {@link dev.releaserouter.replay.Replayer}
 * runs the pairs' masked inputs through a chosen version (a
 * {@link dev.releaserouter.replay.ReplayTarget}), compares its outputs with the stored
 * stable outputs and judges the result against the shadow SLA criteria, or judges the stored
 * candidate outputs as they are. The command line {@code release-router-cli replay} is built on
 * it; both are described in {@code docs/shadow.md}.
 */
@NullMarked
package dev.releaserouter.replay;

import org.jspecify.annotations.NullMarked;
