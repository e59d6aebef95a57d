/**
 * Test support for applications that use Release Router: jqwik arbitraries of route requests and
 * flag files ({@link dev.releaserouter.testkit.RouterArbitraries},
 * {@link dev.releaserouter.testkit.RouterDomain}), invariant checks a consumer runs against its
 * own flag file ({@link dev.releaserouter.testkit.RouterInvariants}), a fake router
 * ({@link dev.releaserouter.testkit.FakeRouter}) and a manual clock
 * ({@link dev.releaserouter.testkit.ManualClock}) for unit tests of code that uses a router, and
 * a recording exposure sink ({@link dev.releaserouter.testkit.RecordingExposureSink}) to assert
 * on a router's exposure events.
 *
 * <p>Add {@code dev.releaserouter:router-testkit} in test scope.
 */
@NullMarked
package dev.releaserouter.testkit;

import org.jspecify.annotations.NullMarked;
