/**
 * The service provider interfaces through which the router keeps its release-safety state, so
 * that one JVM (the in-memory defaults here) or a fleet of instances sharing a store (fleet mode)
 * runs on the same code.
 *
 * <ul>
 *   <li>{@link dev.releaserouter.api.spi.OverrideStore}: runtime kill switches and weights (every
 *       admin change), one revisioned document with compare-and-set and a change notification,
 *       so that a change made on any instance is applied by every instance.</li>
 *   <li>{@link dev.releaserouter.api.spi.BudgetLedger}: exposure budget consumption, consumed
 *       atomically in units and never past its limit, whatever the number of instances and
 *       threads. The router takes allotments of {@link
 *       dev.releaserouter.api.spi.BudgetLedger#allotment()} units at a time, so a remote ledger
 *       is consulted once per allotment, not once per decision.</li>
 *   <li>{@link dev.releaserouter.api.spi.MeasurementWindowStore}: closed per-arm measurement
 *       windows ({@link dev.releaserouter.api.spi.WindowSummary}: counts, sums, histograms),
 *       appended by every instance and read back merged, so gates judge the fleet's traffic.</li>
 *   <li>{@link dev.releaserouter.api.spi.Lease}: who may run a rollout; a grant has a TTL and a
 *       fencing token that grows with every new holder, so only one controller acts.</li>
 *   <li>The rollout state store ({@code dev.releaserouter.rollout.RolloutStateStore}, in
 *       router-rollout because it speaks {@code RolloutState}) keeps a rollout's stage and
 *       checkpoint so another instance resumes it; the audit sink
 *       ({@link dev.releaserouter.api.audit.AuditSink}) keeps the trail of changes.</li>
 *   <li>{@link dev.releaserouter.api.spi.ExposureSink}: where exposure (assignment) events
 *       ({@link dev.releaserouter.api.spi.ExposureEvent}) go, deduplicated and queued by the
 *       router and delivered from one background thread, never from a request; see
 *       {@code docs/exposures.md}.</li>
 * </ul>
 *
 * <p><b>Defaults.</b> Each interface has an in-memory implementation ({@code inMemory()}), used
 * when the application configures none; they are thread-safe and lock-free where the router
 * calls them on the request path. Every implementation must pass the contract test of
 * router-testkit ({@code OverrideStoreContract}, {@code BudgetLedgerContract},
 * {@code MeasurementWindowStoreContract}, {@code LeaseContract}, and for the two above
 * {@code RolloutStateStoreContract} and {@code AuditSinkContract}).
 *
 * <p><b>Thread safety.</b> Implementations must be thread-safe: the router calls them from
 * request threads, admin threads, the flag source's thread and rollout ticks at once.
 *
 * <p><b>Failure contract.</b> A call that cannot complete (store unreachable, timed out, any
 * exception) throws; implementations bound their own waits (a remote store must time out, not
 * block a caller indefinitely) and throw, e.g., {@link java.io.UncheckedIOException}. The
 * router contains what they throw, whatever it is (only fatal VM errors pass on the request
 * path), and fails safe: <em>a request never fails because of a store</em>; a budget that cannot
 * be consulted grants nothing (the stable version answers with
 * {@link dev.releaserouter.api.Reason#BUDGET_EXHAUSTED}); an override change that cannot be
 * stored is refused (the admin caller sees the exception, nothing is published); a window that
 * cannot be appended is kept locally and the gates judge what they have; a lease that cannot be
 * renewed is lost (the controller stops acting). Each failure is counted in
 * {@link dev.releaserouter.api.RouterStatus#internalErrors()} (or, for a rollout, in its
 * status) and logged once.
 */
@NullMarked
package dev.releaserouter.api.spi;

import org.jspecify.annotations.NullMarked;
