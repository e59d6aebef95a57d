package dev.releaserouter.core.rollout;

import dev.releaserouter.api.Router;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.core.gates.CriterionResult;
import dev.releaserouter.core.gates.CriterionStatus;
import dev.releaserouter.core.gates.GateDecision;
import dev.releaserouter.core.gates.GateHistory;
import dev.releaserouter.core.gates.GateVerdict;
import dev.releaserouter.core.gates.PolicyEvaluator;
import dev.releaserouter.core.governance.ChangeRefusedException;
import dev.releaserouter.core.governance.FreezeWindow;
import dev.releaserouter.core.governance.Waiver;
import dev.releaserouter.core.measure.ArmMeasurements;
import dev.releaserouter.core.measure.MeasurementSnapshot;
import dev.releaserouter.core.release.ChangeType;
import dev.releaserouter.core.measure.SnapshotGateInput;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks a candidate version through the stages of a {@link RolloutPlan}: at the end of each
 * checkpoint it evaluates the plan's policy on the measurements of the last checkpoint duration
 * and advances (PROCEED with enough samples), holds (HOLD, not enough data) or rolls back
 * (ROLLBACK, or any CRITICAL criterion: the candidate is killed and set to 0% at once). CRITICAL
 * criteria are also checked on every tick between checkpoints.
 *
 * <p>The controller has no threads: the application (or a scheduler) calls {@link #tick()}, as
 * often as it wants the rollback latency to be (a tick every second rolls back within a second).
 * Time comes from the injected clock.
 *
 * <p>Design: thread-safe. Every state-changing method ({@code tick}, the manual operations)
 * holds the controller's monitor for its whole run, so the state machine, the gate history, the
 * store and the router changes are updated as one step and never interleave; {@link #status()}
 * and {@link #state()} read a volatile field and take no lock. Router changes go through
 * {@link Router#admin()}, which is itself a snapshot swap, so {@code decide} is never blocked.
 * Listeners live in a copy-on-write list (added from any thread, without the monitor) and are
 * called under the monitor, in decision order.
 */
public final class RolloutController {

    private static final Logger LOG = LoggerFactory.getLogger(RolloutController.class);

    /** Reasons in a ChangeContext are cut to this many characters. */
    static final int MAX_REASON = 500;
    private static final int FULL = 10_000;

    private final Router router;
    private final ArmMeasurements measurements;
    private final RolloutPlan plan;
    private final RolloutStateStore store;
    private final Clock clock;
    private final String actor;
    private final List<RolloutDecision> decisions = new ArrayList<>();
    private final List<RolloutListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong listenerFailures = new AtomicLong();
    private final boolean restored;
    private volatile RolloutState state;
    private GateHistory history = GateHistory.empty();
    // The stable arm's measurements at the last checkpoint below 100%; guarded by this.
    private @Nullable MeasurementSnapshot baseline;

    private RolloutController(Router router, ArmMeasurements measurements, RolloutPlan plan,
            RolloutStateStore store, Clock clock, String actor, RolloutState state,
            boolean restored) {
        this.router = router;
        this.measurements = measurements;
        this.plan = plan;
        this.store = store;
        this.clock = clock;
        this.actor = actor;
        this.state = state;
        this.restored = restored;
    }

    /**
     * Starts a rollout, or resumes the one the store holds for the plan's model and candidate.
     *
     * <p>A new rollout sets the candidate's weight to the first stage (unless dry run) and saves
     * its state. A restored one changes nothing in the router: it resumes at the persisted stage,
     * status and checkpoint start (the gate history's consecutive-window streaks start again).
     * A stored state of another candidate is replaced by a new rollout.
     *
     * @param router the router to change
     * @param measurements the measurements the gates read
     * @param plan the plan
     * @param store where state and decisions are kept
     * @param clock the clock checkpoints are timed by
     * @param actor who the controller's changes are attributed to in the audit trail
     * @return the controller
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if actor is blank, or a stored stage is outside the plan
     */
    public static RolloutController start(Router router, ArmMeasurements measurements,
            RolloutPlan plan, RolloutStateStore store, Clock clock, String actor) {
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(measurements, "measurements");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(actor, "actor");
        if (actor.isBlank()) {
            throw new IllegalArgumentException("actor must be a non-blank string, but was '"
                    + actor + "'");
        }
        Optional<RolloutState> saved = store.load(plan.model())
                .filter(s -> s.candidate().equals(plan.candidateVersion()));
        if (saved.isPresent()) {
            RolloutState s = saved.get();
            if (s.stageIndex() >= plan.stages().size()) {
                throw new IllegalArgumentException("stored stageIndex must be below "
                        + plan.stages().size() + " (the plan's stages), but was "
                        + s.stageIndex());
            }
            return new RolloutController(router, measurements, plan, store, clock, actor, s,
                    true);
        }
        Instant now = clock.instant();
        RolloutState s = new RolloutState(plan.model(), plan.candidateVersion(), 0, now,
                RolloutStatus.RUNNING, plan.policy().digest());
        RolloutController c = new RolloutController(router, measurements, plan, store, clock,
                actor, s, false);
        synchronized (c) {
            int bp = plan.stages().get(0);
            c.setWeight(bp, ChangeContext.of(actor, "rollout stage 1: " + plan.candidateVersion()
                    + " to " + bp + " bp (" + percent(bp) + ")"));
            store.save(s);
            c.record(actor, RolloutAction.START, List.of("rollout started"), null);
        }
        return c;
    }

    /**
     * Evaluates the rollout now. At the end of a checkpoint: advance, hold or roll back. Between
     * checkpoints: roll back if a criterion is CRITICAL, else nothing. Does nothing unless
     * RUNNING.
     *
     * @return the status after the tick
     * @throws java.io.UncheckedIOException if the store fails (the router change is already done)
     */
    public synchronized RolloutStatus tick() {
        RolloutState s = state;
        if (s.status() != RolloutStatus.RUNNING) {
            return s.status();
        }
        Instant now = clock.instant();
        MeasurementSnapshot current = measurements.snapshot(plan.model(),
                plan.checkpointDuration());
        // At 100% the stable arm gets no traffic: it is judged on the last checkpoint's data.
        boolean allTraffic = plan.stages().get(s.stageIndex()) >= FULL;
        MeasurementSnapshot base = baseline;
        GateVerdict verdict = PolicyEvaluator.evaluate(plan.policy(),
                allTraffic && base != null
                        ? SnapshotGateInput.withBaseline(current, base, plan.stableVersion(),
                                plan.candidateVersion())
                        : SnapshotGateInput.of(current, plan.stableVersion(),
                                plan.candidateVersion()), history);
        boolean checkpointOver = !Duration.between(s.checkpointStart(), now)
                .minus(plan.checkpointDuration()).isNegative();
        // Between checkpoints only criteria that act on one window may roll back: a streak of
        // "N consecutive windows" counts checkpoints, and the lookback still overlaps the last one.
        Set<String> waived = waived(verdict, now);
        GateDecision decision = verdict.decisionWaiving(waived);
        boolean critical = verdict.criteria().stream()
                .filter(c -> checkpointOver || c.consecutiveWindows() <= 1)
                .filter(c -> !waived.contains(c.name()))
                .map(CriterionResult::status).anyMatch(CriterionStatus.CRITICAL::equals)
                || (checkpointOver && decision == GateDecision.ROLLBACK);
        if (critical) {
            // Between checkpoints too: a CRITICAL spike does not wait for the checkpoint's end.
            history = history.append(verdict);
            rollBack(s, now, verdict, RolloutAction.ROLLBACK, RolloutStatus.ROLLED_BACK, actor,
                    verdict.reasons(), "rollout rollback");
            return state.status();
        }
        if (!checkpointOver) {
            return RolloutStatus.RUNNING;
        }
        history = history.append(verdict);
        if (!allTraffic && current.arm(plan.stableVersion()).requests() > 0) {
            baseline = current;
        }
        boolean enough = verdict.samples().values().stream().allMatch(n -> n >= plan.minSamples());
        Optional<FreezeWindow> freeze = plan.calendar().freezeAt(now);
        if (decision == GateDecision.PROCEED && enough && freeze.isEmpty()) {
            int last = plan.stages().size() - 1;
            if (s.stageIndex() == last) {
                state = s.with(last, now, RolloutStatus.PROMOTED);
            } else {
                int next = s.stageIndex() + 1;
                int bp = plan.stages().get(next);
                setWeight(bp, ChangeContext.of(actor, cut("rollout stage " + (next + 1) + ": "
                        + plan.candidateVersion() + " to " + bp + " bp (" + percent(bp)
                        + ") after PROCEED at " + percent(plan.stages().get(s.stageIndex())))));
                state = s.with(next, now, RolloutStatus.RUNNING);
            }
            store.save(state);
            record(actor, RolloutAction.PROCEED, withWaivers(verdict.reasons(), waived, now),
                    verdict);
        } else {
            List<String> reasons = withWaivers(verdict.reasons(), waived, now);
            if (decision == GateDecision.PROCEED && enough) {
                reasons.add("freeze: '" + freeze.get().name() + "' is in force at " + now
                        + "; the rollout holds at this stage until it ends");
            }
            if (!enough) {
                reasons.add("samples: " + verdict.samples() + " below the plan's minimum of "
                        + plan.minSamples() + " per arm");
            }
            if (allTraffic && base == null) {
                reasons.add("baseline: " + plan.stableVersion() + " gets no traffic at 100% and "
                        + "no earlier checkpoint of it is kept (the rollout was restored at this "
                        + "stage): promote or abort by hand");
            }
            state = s.with(s.stageIndex(), now, RolloutStatus.RUNNING);
            store.save(state);
            record(actor, RolloutAction.HOLD, reasons, verdict);
        }
        return state.status();
    }

    /**
     * Pauses a RUNNING rollout: ticks do nothing until {@link #resume}. The weight stays.
     *
     * @param ctx who and why
     * @throws IllegalStateException if the rollout is not RUNNING
     */
    public synchronized void pause(ChangeContext ctx) {
        RolloutState s = require(ctx, RolloutStatus.RUNNING, "pause");
        state = s.with(s.stageIndex(), s.checkpointStart(), RolloutStatus.PAUSED);
        store.save(state);
        record(ctx.actor(), RolloutAction.PAUSE, List.of(ctx.reason()), null);
    }

    /**
     * Resumes a PAUSED rollout with a new checkpoint at the same stage.
     *
     * @param ctx who and why
     * @throws IllegalStateException if the rollout is not PAUSED
     */
    public synchronized void resume(ChangeContext ctx) {
        RolloutState s = require(ctx, RolloutStatus.PAUSED, "resume");
        state = s.with(s.stageIndex(), clock.instant(), RolloutStatus.RUNNING);
        store.save(state);
        record(ctx.actor(), RolloutAction.RESUME, List.of(ctx.reason()), null);
    }

    /**
     * Jumps to the last stage and marks the rollout PROMOTED, as a normal change (refused in a
     * freeze window, see {@link #promote(ChangeContext, ChangeType)}). Making the candidate the
     * model's stable version is {@code ReleaseGovernance.setAlias} (or the flag file).
     *
     * @param ctx who and why
     * @throws IllegalStateException if the rollout is final
     */
    public synchronized void promote(ChangeContext ctx) {
        promote(ctx, ChangeType.NORMAL);
    }

    /**
     * Jumps to the last stage and marks the rollout PROMOTED, as {@link #promote(ChangeContext)};
     * inside a freeze window of the plan's calendar only an {@link ChangeType#EMERGENCY} change
     * may do so.
     *
     * @param ctx who and why
     * @param type the change type
     * @throws IllegalStateException if the rollout is final
     * @throws ChangeRefusedException if a freeze window is in force and type is not EMERGENCY
     */
    public synchronized void promote(ChangeContext ctx, ChangeType type) {
        Objects.requireNonNull(type, "type");
        RolloutState s = requireNotFinal(ctx, "promote");
        Instant now = clock.instant();
        Optional<FreezeWindow> freeze = plan.calendar().freezeAt(now);
        if (freeze.isPresent() && type != ChangeType.EMERGENCY) {
            throw new ChangeRefusedException("freeze window '" + freeze.get().name() + "' is in "
                    + "force at " + now + ": cannot promote " + plan.candidateVersion() + " as a "
                    + type.name().toLowerCase(java.util.Locale.ROOT) + " change (an emergency "
                    + "change, a rollback or an abort is allowed)");
        }
        int last = plan.stages().size() - 1;
        int bp = plan.stages().get(last);
        setWeight(bp, ChangeContext.of(ctx.actor(), cut("rollout manual promote to " + bp
                + " bp: " + ctx.reason()), ctx.ticket()));
        state = s.with(last, clock.instant(), RolloutStatus.PROMOTED);
        store.save(state);
        record(ctx.actor(), RolloutAction.PROMOTE, List.of(ctx.reason()), null);
    }

    /**
     * Aborts: kills the candidate and sets it to 0%, as a rollback does; status ABORTED.
     *
     * @param ctx who and why
     * @throws IllegalStateException if the rollout is final
     */
    public synchronized void abort(ChangeContext ctx) {
        RolloutState s = requireNotFinal(ctx, "abort");
        rollBack(s, clock.instant(), null, RolloutAction.ABORT, RolloutStatus.ABORTED,
                ctx.actor(), List.of(ctx.reason()), "rollout abort");
    }

    /** @return the current status; lock-free */
    public RolloutStatus status() {
        return state.status();
    }

    /** @return the current state; lock-free */
    public RolloutState state() {
        return state;
    }

    /** @return the current stage's candidate weight in basis points */
    public int currentBasisPoints() {
        return plan.stages().get(state.stageIndex());
    }

    /** @return whether this controller resumed a stored rollout instead of starting one */
    public boolean restored() {
        return restored;
    }

    /** @return the plan */
    public RolloutPlan plan() {
        return plan;
    }

    /**
     * Adds a listener told of every decision recorded from now on.
     *
     * @param listener the listener
     * @throws NullPointerException if listener is null
     */
    public void addListener(RolloutListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** @return how many times a listener threw (the rollout went on regardless) */
    public long listenerFailures() {
        return listenerFailures.get();
    }

    /** @return this controller's decisions so far, oldest first (not those before a restart) */
    public synchronized List<RolloutDecision> decisions() {
        return List.copyOf(decisions);
    }

    private void rollBack(RolloutState s, Instant now, @Nullable GateVerdict verdict,
            RolloutAction action, RolloutStatus status, String who, List<String> reasons,
            String what) {
        String reason = cut(what + " of " + plan.candidateVersion() + " at stage "
                + (s.stageIndex() + 1) + " (" + percent(plan.stages().get(s.stageIndex()))
                + "): " + String.join("; ", reasons));
        ChangeContext ctx = ChangeContext.of(who, reason);
        if (!plan.dryRun()) {
            // Kill first: it takes the candidate out of every decision in one snapshot swap.
            router.admin().kill(KillTarget.version(plan.model(), plan.candidateVersion()), ctx);
            router.admin().setWeight(plan.model(), plan.candidateVersion(), 0, ctx);
        }
        state = s.with(s.stageIndex(), now, status);
        store.save(state);
        record(who, action, reasons, verdict);
    }

    /** Failing criteria that a waiver valid at {@code now} excuses. */
    private Set<String> waived(GateVerdict verdict, Instant now) {
        Set<String> out = new HashSet<>();
        for (Waiver w : plan.waivers()) {
            if (w.validAt(now)) {
                out.add(w.criterion());
            }
        }
        return out;
    }

    private List<String> withWaivers(List<String> reasons, Set<String> waived, Instant now) {
        List<String> out = new ArrayList<>(reasons);
        for (Waiver w : plan.waivers()) {
            if (waived.contains(w.criterion())) {
                out.add("waived: " + w.criterion() + " by " + w.approvedBy() + " until "
                        + w.expiresAt() + (w.ticket() == null ? "" : " (" + w.ticket() + ")")
                        + ": " + w.reason());
            } else if (!w.validAt(now)) {
                out.add("waiver expired: " + w.criterion() + " at " + w.expiresAt());
            }
        }
        return out;
    }

    private void setWeight(int bp, ChangeContext ctx) {
        if (!plan.dryRun()) {
            router.admin().setWeight(plan.model(), plan.candidateVersion(), bp, ctx);
        }
    }

    private void record(String who, RolloutAction action, List<String> reasons,
            @Nullable GateVerdict verdict) {
        RolloutState s = state;
        RolloutDecision d = new RolloutDecision(clock.instant(), who, plan.model(),
                plan.candidateVersion(), s.stageIndex(), plan.stages().get(s.stageIndex()),
                action, s.status(), reasons, verdict == null ? null : verdict.toJson(),
                plan.policy().digest(), plan.dryRun());
        decisions.add(d);
        store.append(d);
        for (RolloutListener l : listeners) {
            try {
                l.onDecision(d, verdict);
            } catch (RuntimeException e) {
                if (listenerFailures.getAndIncrement() == 0) {
                    LOG.warn("Release Router: a rollout listener failed ({}); further failures "
                            + "are only counted", e.toString());
                }
            }
        }
    }

    private RolloutState require(ChangeContext ctx, RolloutStatus wanted, String op) {
        Objects.requireNonNull(ctx, "ctx");
        RolloutState s = state;
        if (s.status() != wanted) {
            throw new IllegalStateException("cannot " + op + " a rollout that is " + s.status()
                    + " (must be " + wanted + ")");
        }
        return s;
    }

    private RolloutState requireNotFinal(ChangeContext ctx, String op) {
        Objects.requireNonNull(ctx, "ctx");
        RolloutState s = state;
        if (s.status().isFinal()) {
            throw new IllegalStateException("cannot " + op + " a rollout that is already "
                    + s.status());
        }
        return s;
    }

    static String cut(String reason) {
        return reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON - 3)
                + "...";
    }

    private static String percent(int bp) {
        return (bp % 100 == 0 ? String.valueOf(bp / 100) : String.valueOf(bp / 100.0)) + "%";
    }
}
