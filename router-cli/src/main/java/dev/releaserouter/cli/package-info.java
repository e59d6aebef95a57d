/**
 * The {@code release-router-cli} command line: {@link dev.releaserouter.cli.Main}. An
 * application, not a library: it prints to the console and exits with a status.
 */
@NullMarked
package dev.releaserouter.cli;

import org.jspecify.annotations.NullMarked;
