/**
 * Contract tests for the SPIs in {@code dev.releaserouter.api.spi} (and the rollout state store
 * and audit sink): abstract JUnit 5 classes, one per SPI, that any implementation must pass.
 * Extend one in your test sources and implement its factory method; every test runs against
 * what it returns. See docs/spi.md.
 *
 * <p>Tests that need a store to fail call {@code disconnect(...)}: override it to make your
 * implementation unreachable (stop the server, close the connection); by default those tests
 * are skipped, since an in-memory implementation cannot fail.
 */
@NullMarked
package dev.releaserouter.testkit.contract;

import org.jspecify.annotations.NullMarked;
