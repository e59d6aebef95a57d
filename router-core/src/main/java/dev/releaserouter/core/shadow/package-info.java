/**
 * Shadow (dark launch) support for {@code Router.bind(...).route(...)}: built-in comparators,
 * output validators and input copiers, and the executor settings of shadow calls.
 */
@NullMarked
package dev.releaserouter.core.shadow;

import org.jspecify.annotations.NullMarked;
