package dev.releaserouter.rollout;

import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.spi.LeaseGrant;
import dev.releaserouter.rollout.gates.CriterionResult;
import dev.releaserouter.rollout.gates.CriterionStatus;
import dev.releaserouter.rollout.gates.ExternalMetrics;
import dev.releaserouter.rollout.gates.ExternalQuery;
import dev.releaserouter.rollout.gates.GateDecision;
import dev.releaserouter.rollout.gates.GateHistory;
import dev.releaserouter.rollout.gates.GateVerdict;
import dev.releaserouter.rollout.gates.PolicyEvaluator;
import dev.releaserouter.rollout.measure.ArmMeasurements;
import dev.releaserouter.rollout.measure.ArmStats;
import dev.releaserouter.rollout.measure.MeasurementSnapshot;
import dev.releaserouter.rollout.measure.SnapshotGateInput;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
 * <p>The gates also get the current stage's evidence so far
 * ({@link dev.releaserouter.rollout.gates.GateInput#cumulative()}: every measurement window
 * from the first one that began in the stage, up to the measurements' retention; until there
 * is one, the window the stage began in) and the stage's configured split
 * ({@link dev.releaserouter.rollout.gates.GateInput#candidateShare()}; unknown in a dry run and
 * while the evidence holds the previous weight's traffic):
 * threshold comparisons with a confidence, {@code sequential} and {@code sample_ratio} criteria
 * read them, so a HOLD gathers evidence. A new stage, and a resume, start the evidence and the
 * sequential tests afresh.
 *
 * <p>The chain around the stages (seed 000 §3.1-3.2, seed 003's flow, seed 004 §6): a plan with
 * a {@link ShadowPhase} starts in {@link RolloutStatus#SHADOW} with the candidate at weight 0,
 * and only a passing shadow verdict starts stage 1; a plan that
 * {@linkplain RolloutPlan#promoteOnCompletion() promotes on completion} makes the candidate the
 * stable version when PROMOTED; every backout (rollback, abort, failed shadow phase, fail-safe)
 * writes an {@link IncidentRecord} through the store and, with a {@link BackoutVerification},
 * schedules the post-rollback verification that later ticks run. Log lines carry seed 003's
 * names: {@code starting_gradual_rollout}, {@code rollout_checkpoint},
 * {@code rollout_mae_degradation}.
 *
 * <p>The controller has no threads of its own: {@link #schedule} runs {@link #tick()} on the
 * application's executor (or the application calls it), as often as it wants the rollback latency
 * to be (a tick every second rolls back within a second). Time comes from the injected clock.
 *
 * <p>A tick never throws. Anything thrown while it evaluates or applies a checkpoint (an
 * {@code Error} included) is a HOLD decision whose reason is the error, counted in
 * {@link #tickFailures()}; after {@link RolloutPlan#maxFailedTicks()} failed ticks in a row the
 * controller fails safe: it kills the candidate and sets it to 0% (audited, as a rollback) and
 * the rollout is ROLLED_BACK.
 *
 * <p>Design: thread-safe. Every state-changing method ({@code tick}, the manual operations)
 * holds the controller's monitor for its whole run, so the state machine, the gate history, the
 * store and the router changes are updated as one step and never interleave; {@link #status()}
 * and {@link #state()} read a volatile field and take no lock. Router changes go through the
 * {@link RouterAdmin} the controller was started with (each change a snapshot swap), so
 * {@code decide} is never blocked.
 * Listeners live in a copy-on-write list (added from any thread, without the monitor) and are
 * called under the monitor, in decision order.
 *
 * <p>Leadership: started with a {@link RolloutLease}, the controller acts only while it holds
 * the lease {@code rollout/<model>}. Every tick first acquires or renews it; without it the
 * controller changes nothing (no weight, no store write, no decision) and {@link #status()} is
 * {@link RolloutStatus#STANDBY}. When it acquires the lease (at start, or later because the
 * holder stopped renewing) it takes over from the state store: a stored rollout of the
 * candidate resumes at its stage and checkpoint start, otherwise the rollout starts; but if the
 * controller knows the rollout exists (it was stored, this controller began it, or another one
 * held the lease) an empty store means the store lost it (e.g. Redis restarted empty), and the
 * state is rebuilt from this controller's last state or the router's routing instead of
 * starting again (see the decision it records; PAUSED when the routing is no stage). A failed
 * renewal (the lease unreachable) counts as a lost lease ({@link #leaseFailures()}). What the
 * lease cannot prevent: a holder paused past its TTL acts once more before its next renewal;
 * a fleet store fences such writes with {@link LeaseGrant#fencingToken()}.
 */
public final class RolloutController {

    private static final Logger LOG = LoggerFactory.getLogger(RolloutController.class);

    /** Reasons in a ChangeContext are cut to this many characters. */
    static final int MAX_REASON = 500;
    private static final int FULL = 10_000;

    private final RouterAdmin admin;
    private final ArmMeasurements measurements;
    private final RolloutPlan plan;
    private final RolloutStateStore store;
    private final Clock clock;
    private final String actor;
    private final List<RolloutDecision> decisions = new ArrayList<>();
    private final List<RolloutListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong listenerFailures = new AtomicLong();
    private final AtomicLong tickFailures = new AtomicLong();
    private final AtomicReference<@Nullable RolloutSchedule> schedule = new AtomicReference<>();
    private volatile boolean restored;
    private final @Nullable RolloutLease lease;
    private final @Nullable AuditSink audit;
    // Criteria that read the MAE (seed 003's rollout_mae_degradation log line).
    private final Set<String> maeCriteria;
    // When the shadow phase was last judged (its cadence is the checkpoint duration); guarded
    // by this.
    private @Nullable Instant lastShadowJudgement;
    // The incident record of the last backout, rewritten after its verification.
    private volatile @Nullable IncidentRecord incident;
    private final AtomicLong incidentFailures = new AtomicLong();
    // Whether this controller may act: always without a lease; written under this.
    private volatile boolean leading;
    private volatile @Nullable LeaseGrant grant;
    // Whether the state was taken over from the store since the lease was (re)acquired.
    private boolean tookOver;
    // Whether this controller knows the rollout exists (it was stored, it began it, or another
    // controller held its lease): an empty store then means the store lost it. Guarded by this.
    private boolean seenRollout;
    // Whether `state` is what this controller itself last saved (so its checkpoint start can be
    // trusted when the store has lost the state). Guarded by this.
    private boolean stateSavedHere;
    private final AtomicLong leaseFailures = new AtomicLong();
    // Failed ticks in a row and the last one's error: written under this, read lock-free.
    private volatile int consecutiveFailures;
    private volatile @Nullable String lastTickError;
    // The last instant the clock gave, for decisions recorded while the clock itself fails.
    private volatile Instant lastInstant;
    private volatile RolloutState state;
    private GateHistory history = GateHistory.empty();
    // The stable arm's measurements at the last checkpoint below 100%; guarded by this.
    private @Nullable MeasurementSnapshot baseline;
    // When the current stage's weight took effect (for a restored rollout: its checkpoint
    // start, the latest instant known to be at this weight); guarded by this.
    private Instant stageStart;

    private RolloutController(RouterAdmin admin, ArmMeasurements measurements, RolloutPlan plan,
            RolloutStateStore store, Clock clock, String actor, RolloutState state,
            boolean restored, @Nullable RolloutLease lease, @Nullable AuditSink audit) {
        this.lease = lease;
        this.audit = audit;
        Set<String> mae = new LinkedHashSet<>();
        for (String c : plan.policy().criterionNames()) {
            if (plan.policy().metricsRead(c).stream().anyMatch(m -> m.endsWith(".mae"))) {
                mae.add(c);
            }
        }
        this.maeCriteria = Set.copyOf(mae);
        this.leading = lease == null;
        this.admin = admin;
        this.measurements = measurements;
        this.plan = plan;
        this.store = store;
        this.clock = clock;
        this.actor = actor;
        this.state = state;
        this.restored = restored;
        this.lastInstant = state.checkpointStart();
        this.stageStart = state.checkpointStart();
    }

    /**
     * Starts a rollout, or resumes the one the store holds for the plan's model and candidate.
     *
     * <p>A new rollout sets the candidate's weight to the first stage (unless dry run) and saves
     * its state. A restored one changes nothing in the router: it resumes at the persisted stage,
     * status and checkpoint start (the gate history's consecutive-window streaks start again).
     * A stored state of another candidate is replaced by a new rollout.
     *
     * @param admin the admin of the router to change (the capability to change its weights and
     *     kill switches; whoever built the router holds it)
     * @param measurements the measurements the gates read
     * @param plan the plan
     * @param store where state and decisions are kept
     * @param clock the clock checkpoints are timed by
     * @param actor who the controller's changes are attributed to in the audit trail
     * @return the controller
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if actor is blank, or a stored stage is outside the plan
     */
    public static RolloutController start(RouterAdmin admin, ArmMeasurements measurements,
            RolloutPlan plan, RolloutStateStore store, Clock clock, String actor) {
        return start(admin, measurements, plan, store, clock, actor, null);
    }

    /**
     * Starts or resumes a rollout as {@link #start(RouterAdmin, ArmMeasurements, RolloutPlan,
     * RolloutStateStore, Clock, String)} does, if this controller acquires the lease; otherwise
     * the controller stands by ({@link RolloutStatus#STANDBY}): it changes nothing until a tick
     * acquires the lease, then takes over from the store.
     *
     * @param admin the admin of the router to change
     * @param measurements the measurements the gates read
     * @param plan the plan
     * @param store where state and decisions are kept (shared by the contenders for the lease)
     * @param clock the clock checkpoints are timed by
     * @param actor who the controller's changes are attributed to in the audit trail
     * @param lease the lease to hold while acting, or null to act without one
     * @return the controller
     * @throws NullPointerException if an argument other than lease is null
     * @throws IllegalArgumentException if actor is blank, or a stored stage is outside the plan
     */
    public static RolloutController start(RouterAdmin admin, ArmMeasurements measurements,
            RolloutPlan plan, RolloutStateStore store, Clock clock, String actor,
            @Nullable RolloutLease lease) {
        return start(admin, measurements, plan, store, clock, actor, lease, null);
    }

    /** As the public start, with an audit trail for the chain's own events (or null). */
    static RolloutController start(RouterAdmin admin, ArmMeasurements measurements,
            RolloutPlan plan, RolloutStateStore store, Clock clock, String actor,
            @Nullable RolloutLease lease, @Nullable AuditSink audit) {
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(measurements, "measurements");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(actor, "actor");
        if (actor.isBlank()) {
            throw new IllegalArgumentException("actor must be a non-blank string, but was '"
                    + actor + "'");
        }
        Optional<RolloutState> saved = stored(plan, store);
        RolloutState initial = saved.orElseGet(() -> fresh(plan, clock.instant()));
        RolloutController c = new RolloutController(admin, measurements, plan, store, clock,
                actor, initial, saved.isPresent(), lease, audit);
        synchronized (c) {
            c.seenRollout = saved.isPresent();
            if (lease == null) {
                if (saved.isEmpty()) {
                    c.begin(initial);
                }
            } else if (c.holdLease()) {
                c.takeOver(saved);
                c.tookOver = true;
            }
        }
        return c;
    }

    /** A new rollout's state: SHADOW if the plan has a shadow phase, else RUNNING at stage 1. */
    private static RolloutState fresh(RolloutPlan plan, Instant now) {
        return new RolloutState(plan.model(), plan.candidateVersion(), 0, now,
                plan.shadowPhase().isPresent() ? RolloutStatus.SHADOW : RolloutStatus.RUNNING,
                plan.policy().digest());
    }

    /** The stored state of the plan's candidate, if any. */
    private static Optional<RolloutState> stored(RolloutPlan plan, RolloutStateStore store) {
        Optional<RolloutState> saved = store.load(plan.model())
                .filter(s -> s.candidate().equals(plan.candidateVersion()));
        if (saved.isPresent() && saved.get().stageIndex() >= plan.stages().size()) {
            throw new IllegalArgumentException("stored stageIndex must be below "
                    + plan.stages().size() + " (the plan's stages), but was "
                    + saved.get().stageIndex());
        }
        if (saved.isPresent() && saved.get().status() == RolloutStatus.SHADOW
                && plan.shadowPhase().isEmpty()) {
            throw new IllegalArgumentException("stored status is SHADOW (a shadow phase under "
                    + "way) but the plan has no shadowPhase: add it back, or abort the stored "
                    + "rollout first");
        }
        return saved;
    }

    /**
     * A new rollout: the first stage's weight (or 0 for a shadow phase), the state saved, START
     * recorded.
     */
    private void begin(RolloutState s) {
        stageStart = s.checkpointStart();
        lastShadowJudgement = null;
        Optional<ShadowPhase> shadow = plan.shadowPhase();
        LOG.info("starting_gradual_rollout model={} candidate={} stable={} stages={} "
                + "checkpoint_duration_minutes={} shadow_phase={} promote={} policy={} "
                + "dry_run={}", plan.model(), plan.candidateVersion(), plan.stableVersion(),
                stagesText(), plan.checkpointDuration().toMinutes(),
                shadow.map(p -> p.minDuration() + ".." + p.maxDuration()).orElse("none"),
                plan.promoteOnCompletion(), plan.policy().name(), plan.dryRun());
        if (shadow.isPresent()) {
            setWeight(0, ChangeContext.of(actor, "rollout shadow phase: "
                    + plan.candidateVersion() + " at 0 bp (shadowed, not served) for at least "
                    + shadow.get().minDuration()));
            saveState(s);
            record(actor, RolloutAction.START, List.of("rollout started with a shadow phase: "
                    + plan.candidateVersion() + " shadowed, not served; judged after "
                    + shadow.get().minDuration() + " by " + shadow.get().criteria()), null);
            return;
        }
        int bp = plan.stages().get(0);
        setWeight(bp, ChangeContext.of(actor, "rollout stage 1: " + plan.candidateVersion()
                + " to " + bp + " bp (" + percent(bp) + ")"));
        saveState(s);
        record(actor, RolloutAction.START, List.of("rollout started"), null);
    }

    private String stagesText() {
        List<String> out = new ArrayList<>();
        plan.stages().forEach(bp -> out.add(percent(bp)));
        return String.join(",", out);
    }

    /**
     * Just acquired the lease: resume the stored rollout (same stage, same checkpoint start),
     * or start it if none is stored.
     */
    private void takeOver(Optional<RolloutState> saved) {
        if (saved.isPresent()) {
            state = saved.get();
            restored = true;
            seenRollout = true;
            stateSavedHere = false;
            history = GateHistory.empty();
            baseline = null;
            stageStart = state.checkpointStart();
        } else if (seenRollout) {
            reseed();
        } else {
            RolloutState s = fresh(plan, clock.instant());
            state = s;
            restored = false;
            begin(s);
        }
        lastShadowJudgement = null;
    }

    /** Saves the state, fenced by the lease grant when this controller runs under a lease. */
    private void saveState(RolloutState s) {
        LeaseGrant g = grant;
        if (lease != null && g != null) {
            try {
                store.save(s, g);
            } catch (FencedWriteException e) {
                throw lostToFencing(e);
            }
        } else {
            store.save(s);
        }
        seenRollout = true;
        stateSavedHere = s == state;
    }

    /**
     * The store has no state although this controller knows the rollout exists (e.g. Redis
     * restarted empty): the rollout is NOT started again (that would drop a 50% candidate to
     * stage 1, or re-expose a rolled-back one). The state is rebuilt from what is known, checked
     * against the router's routing (the fleet's override document, which survives such a loss
     * in every router's memory and is re-seeded into the store):
     * <ul>
     *   <li>this controller's own last saved state, if the routing agrees with it (the
     *       candidate's weight is that stage's and it is not killed, or it is killed / at 0%
     *       after a rollback or abort): same stage, same checkpoint start, same status;
     *   <li>else, the candidate neither killed nor at 0%, at the stage whose weight the routing
     *       gives it: RUNNING there, with a new checkpoint starting now;
     *   <li>else (killed, at 0%, or at a weight that is no stage of the plan): PAUSED at the
     *       highest stage not above that weight, changing nothing; an operator resumes or aborts.
     * </ul>
     * The rebuilt state is saved and a decision records why. In a dry run the routing says
     * nothing about the rollout: its own state is kept if it has one, else it starts again.
     */
    private void reseed() {
        restored = true;
        history = GateHistory.empty();
        baseline = null;
        RolloutState mine = stateSavedHere ? state : null;
        String why = "the rollout store had no state of " + plan.model() + " although the "
                + "rollout exists (e.g. Redis restarted empty)";
        if (plan.dryRun()) {
            if (mine == null) {
                RolloutState s = fresh(plan, clock.instant());
                state = s;
                begin(s);
            } else {
                saveState(mine);
                record(actor, RolloutAction.HOLD, List.of(why + "; dry run: re-seeded from "
                        + "this controller's state"), null);
            }
            return;
        }
        int bp = candidateWeight();
        boolean killed = candidateKilled();
        String routing = plan.candidateVersion() + " at " + bp + " bp (" + percent(bp) + ")"
                + (killed ? ", killed" : "");
        RolloutState next;
        String how;
        if (mine != null && agrees(mine, bp, killed)) {
            next = mine;
            how = "re-seeded from this controller's last state (stage " + (mine.stageIndex() + 1)
                    + ", " + mine.status() + ", checkpoint from " + mine.checkpointStart()
                    + "), which the routing confirms: " + routing;
        } else {
            int stage = stageAtOrBelow(bp);
            boolean running = !killed && bp > 0 && plan.stages().get(stage) == bp;
            next = new RolloutState(plan.model(), plan.candidateVersion(), stage, clock.instant(),
                    running ? RolloutStatus.RUNNING : RolloutStatus.PAUSED,
                    plan.policy().digest());
            how = running
                    ? "rebuilt from the routing: " + routing + " is stage " + (stage + 1)
                            + "; a new checkpoint starts now"
                    : "the routing (" + routing + ") is no stage the rollout left running: "
                            + "PAUSED at stage " + (stage + 1) + ", nothing changed; resume or "
                            + "abort it by hand";
        }
        state = next;
        if (next != mine) {
            stageStart = next.checkpointStart(); // the stage's evidence starts with the rebuild
        }
        saveState(next);
        LOG.warn("Release Router: {}; {}", why, how);
        record(actor, next.status() == RolloutStatus.PAUSED ? RolloutAction.PAUSE
                : RolloutAction.HOLD, List.of(cut(why + "; " + how)), null);
    }

    /** The candidate's weight in the router's routing now (0 if the router lacks it). */
    private int candidateWeight() {
        ModelConfig m = admin.router().config().model(plan.model());
        VersionConfig v = m == null ? null : m.version(plan.candidateVersion());
        return v == null ? 0 : v.weightBasisPoints();
    }

    /** Whether a kill switch (global, model or version) takes the candidate out now. */
    private boolean candidateKilled() {
        ModelConfig m = admin.router().config().model(plan.model());
        return m != null && (m.kills().all()
                || m.kills().versions().contains(plan.candidateVersion()))
                || admin.router().config().globalKills().all();
    }

    /** Whether the routing (candidate weight, killed) is what a state leaves in the router. */
    private boolean agrees(RolloutState s, int bp, boolean killed) {
        switch (s.status()) {
            case SHADOW:
                return !killed && bp == 0;
            case RUNNING:
            case PAUSED:
            case PROMOTED:
                return !killed && bp == plan.stages().get(s.stageIndex());
            case ROLLED_BACK:
            case ABORTED:
                return killed || bp == 0;
            default:
                return false;
        }
    }

    /** The highest stage whose weight is at most bp (the first stage if none is). */
    private int stageAtOrBelow(int bp) {
        int stage = 0;
        for (int i = 0; i < plan.stages().size(); i++) {
            if (plan.stages().get(i) <= bp) {
                stage = i;
            }
        }
        return stage;
    }

    /** Appends a decision, fenced by the lease grant when this controller runs under a lease. */
    private void appendDecision(RolloutDecision d) {
        LeaseGrant g = grant;
        if (lease != null && g != null) {
            try {
                store.append(d, g);
            } catch (FencedWriteException e) {
                throw lostToFencing(e);
            }
        } else {
            store.append(d);
        }
    }

    /**
     * A fenced store refused a write: another controller has held the lease since this one's
     * grant. This controller has lost the lease: it stands by (the next tick that acquires the
     * lease takes over from the store, so its unsaved in-memory state is dropped).
     */
    private FencedWriteException lostToFencing(FencedWriteException e) {
        LeaseGrant g = grant;
        grant = null;
        leading = false;
        tookOver = false;
        LOG.warn("Release Router: the rollout store refused a write of {} with lease token {} "
                + "({}); standing by", plan.model(), g == null ? "?" : g.fencingToken(),
                e.getMessage());
        return e;
    }

    /**
     * Acquires or renews the lease; on a change of leadership, logs it (and the caller takes
     * over). Without a lease, always true. Never throws: an unreachable lease is a lost one.
     *
     * @return whether this controller may act now
     */
    private boolean holdLease() {
        RolloutLease l = lease;
        if (l == null) {
            return true;
        }
        Optional<LeaseGrant> g;
        try {
            g = l.lease().tryAcquire(RolloutLease.name(plan.model()), l.holder(), l.ttl());
        } catch (Throwable t) {
            // A background safety path: contained (team policy), counted, and the lease is lost.
            leaseFailures.incrementAndGet();
            if (leading) {
                LOG.warn("Release Router: the rollout lease of {} could not be renewed ({}); "
                        + "the controller stops acting", plan.model(), t.toString());
            }
            g = Optional.empty();
        }
        if (g.isEmpty()) {
            seenRollout = true; // another controller holds the lease: the rollout exists
        }
        boolean was = leading;
        LeaseGrant before = grant;
        if (g.isPresent() && before != null && g.get().fencingToken() != before.fencingToken()) {
            tookOver = false; // it lapsed and was granted anew: another may have acted between
        }
        grant = g.orElse(null);
        leading = g.isPresent();
        if (!leading) {
            tookOver = false; // whoever acts meanwhile changes the stored state
        }
        if (was && !leading) {
            LOG.warn("Release Router: lost the rollout lease of {} ({}); standing by",
                    plan.model(), l.holder());
        } else if (!was && leading) {
            LOG.info("Release Router: {} holds the rollout lease of {} (token {}); taking over",
                    l.holder(), plan.model(), g.get().fencingToken());
        }
        return leading;
    }

    /**
     * Evaluates the rollout now. At the end of a checkpoint: advance, hold or roll back. Between
     * checkpoints: roll back if a criterion is CRITICAL, else nothing. Does nothing unless
     * RUNNING.
     *
     * <p>Never throws: if anything fails (the measurements, the policy, the store, the router,
     * the clock; any {@code Throwable}, {@code OutOfMemoryError} included) the tick records a
     * HOLD decision with the error as its reason, counts it ({@link #tickFailures()},
     * {@link #lastTickError()}) and returns the status. After {@link RolloutPlan#maxFailedTicks()}
     * failed ticks in a row it fails safe: the candidate is killed and set to 0% and the
     * rollout is ROLLED_BACK. A router change made before a failure (e.g. the next stage's
     * weight, then the store failed) stays made. So {@code scheduleAtFixedRate(rollout::tick,
     * ...)} is never cancelled by a failing tick; {@link #schedule} does it for you.
     *
     * @return the status after the tick
     */
    public synchronized RolloutStatus tick() {
        try {
            if (lease != null) {
                if (!holdLease()) {
                    return RolloutStatus.STANDBY;
                }
                if (!tookOver) {
                    takeOver(stored(plan, store));
                    tookOver = true;
                }
            }
            RolloutStatus status = evaluate();
            consecutiveFailures = 0;
            return status;
        } catch (FencedWriteException e) {
            // Not a tick failure (no fail-safe): the rollout is fine, this controller no
            // longer leads it.
            return RolloutStatus.STANDBY;
        } catch (Throwable t) {
            // A background safety path: contain everything, even a fatal VM error (team policy).
            return tickFailed(t);
        }
    }

    /**
     * Runs {@link #tick()} every {@code period} on the executor (with a fixed delay between
     * ticks) until the rollout reaches a final status or the returned schedule is cancelled.
     * Nothing a tick does can cancel the task: a tick never throws, and the task catches
     * whatever might escape anyway.
     *
     * @param executor where ticks run; the application owns it (and shuts it down)
     * @param period the time between ticks: the rollback latency; positive
     * @return the schedule, to cancel
     * @throws IllegalArgumentException if period is not positive
     * @throws IllegalStateException if this controller is already scheduled (cancel that first)
     * @throws java.util.concurrent.RejectedExecutionException if the executor refuses the task
     * @throws NullPointerException if an argument is null
     */
    public RolloutSchedule schedule(ScheduledExecutorService executor, Duration period) {
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive, but was " + period);
        }
        long nanos;
        try {
            nanos = period.toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE;
        }
        RolloutSchedule next = new RolloutSchedule(this);
        RolloutSchedule current = schedule.get();
        if ((current != null && !current.isCancelled())
                || !schedule.compareAndSet(current, next)) {
            throw new IllegalStateException("the rollout of " + plan.candidateVersion()
                    + " is already scheduled; cancel() that schedule first");
        }
        try {
            next.started(executor.scheduleWithFixedDelay(next::run, nanos, nanos,
                    TimeUnit.NANOSECONDS));
        } catch (RuntimeException e) {
            next.cancel();
            throw e;
        }
        return next;
    }

    /** A throwable that escaped a scheduled tick (never expected): counted like a failed tick. */
    synchronized void scheduledTickFailed(Throwable t) {
        tickFailed(t);
    }

    private RolloutStatus tickFailed(Throwable t) {
        try {
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            int n = consecutiveFailures + 1;
            consecutiveFailures = n;
            tickFailures.incrementAndGet();
            String error = cut(String.valueOf(t));
            lastTickError = error;
            RolloutState s = state;
            int max = plan.maxFailedTicks();
            if (n == 1) {
                LOG.warn("Release Router: rollout tick of {} {} failed (1 of {} before the "
                        + "fail-safe); it holds", plan.model(), plan.candidateVersion(), max, t);
            } else {
                LOG.warn("Release Router: rollout tick of {} {} failed ({} of {} before the "
                        + "fail-safe): {}", plan.model(), plan.candidateVersion(), n, max, error);
            }
            if (s.status() != RolloutStatus.RUNNING && s.status() != RolloutStatus.SHADOW) {
                return s.status(); // it failed after the rollout became final or paused
            }
            if (n >= max) {
                failSafe(s, n, error);
            } else {
                recordQuietly(actor, RolloutAction.HOLD, List.of("tick failed (" + n + " of "
                        + max + " before fail-safe): " + error), null);
            }
            return state.status();
        } catch (Throwable again) {
            // Even reporting failed (e.g. out of memory): the count stands, the next tick retries.
            return state.status();
        }
    }

    /** Kills the candidate and sets it to 0% after too many failed ticks, whatever else fails. */
    private void failSafe(RolloutState s, int failures, String error) {
        String why = failures + " consecutive ticks failed (the plan allows "
                + plan.maxFailedTicks() + "); last error: " + error;
        boolean out = plan.dryRun();
        if (!plan.dryRun()) {
            ChangeContext ctx = fenced(ChangeContext.of(actor, cut("rollout fail-safe rollback of "
                    + plan.candidateVersion() + " " + where(s) + ": " + why)));
            try {
                admin.kill(KillTarget.version(plan.model(), plan.candidateVersion()), ctx);
                out = true;
            } catch (Throwable t) {
                LOG.error("Release Router: fail-safe could not kill {} {}", plan.model(),
                        plan.candidateVersion(), t);
            }
            try {
                admin.setWeight(plan.model(), plan.candidateVersion(), 0, ctx);
                out = true;
            } catch (Throwable t) {
                LOG.error("Release Router: fail-safe could not set {} {} to 0%", plan.model(),
                        plan.candidateVersion(), t);
            }
        }
        if (!out) {
            recordQuietly(actor, RolloutAction.HOLD, List.of("fail-safe failed: "
                    + plan.candidateVersion() + " could be neither killed nor set to 0%; the "
                    + "next tick tries again; " + why), null);
            return;
        }
        state = backedOut(s, safeNow(), RolloutStatus.ROLLED_BACK);
        try {
            saveState(state);
        } catch (Throwable t) {
            LOG.error("Release Router: fail-safe could not save the rollout state of {}",
                    plan.model(), t);
        }
        recordQuietly(actor, RolloutAction.ROLLBACK, List.of("fail-safe: " + why), null);
        openIncident(s, null);
        LOG.error("Release Router: rollout of {} {} failed safe: {} killed and set to 0% after {}",
                plan.model(), plan.candidateVersion(), plan.candidateVersion(), why);
    }

    private RolloutStatus evaluate() {
        RolloutState s = state;
        if (s.status() == RolloutStatus.SHADOW) {
            return shadowTick(s);
        }
        if (s.status().isFinal()) {
            verifyBackoutIfDue(s);
            return state.status();
        }
        if (s.status() != RolloutStatus.RUNNING) {
            return s.status();
        }
        Instant now = clock.instant();
        lastInstant = now;
        MeasurementSnapshot current = measurements.snapshot(plan.model(),
                plan.checkpointDuration());
        // At 100% the stable arm gets no traffic: it is judged on the last checkpoint's data.
        int bp = plan.stages().get(s.stageIndex());
        boolean allTraffic = bp >= FULL;
        MeasurementSnapshot base = baseline;
        StageSnapshot stage = stageSnapshot(now);
        // The split is checked only on windows of one weight (not in a dry run: unknown).
        double share = plan.dryRun() || !stage.whole() ? Double.NaN : bp / (double) FULL;
        // External metrics (e.g. PromQL) are read once per tick, for both arms.
        GateVerdict verdict = PolicyEvaluator.evaluate(plan.policy(),
                ExternalMetrics.overlay(plan.policy(),
                        new StageGateInput(input(current, allTraffic ? base : null),
                                input(stage.snapshot(), allTraffic ? base : null), share),
                        plan.metricSources(), new ExternalQuery(plan.model(),
                                plan.stableVersion(), plan.candidateVersion(),
                                plan.checkpointDuration(), now)),
                history);
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
            logCheckpoint(s, GateDecision.ROLLBACK, verdict);
            rollBack(s, now, verdict, RolloutAction.ROLLBACK, RolloutStatus.ROLLED_BACK, actor,
                    verdict.reasons(), "rollout rollback");
            return state.status();
        }
        if (!checkpointOver) {
            return RolloutStatus.RUNNING;
        }
        history = history.append(verdict);
        logCheckpoint(s, decision == GateDecision.ROLLBACK ? GateDecision.ROLLBACK
                : decision == GateDecision.PROCEED && enough(verdict) && freezeAt(now).isEmpty()
                        ? GateDecision.PROCEED : GateDecision.HOLD, verdict);
        if (!allTraffic && current.arm(plan.stableVersion()).requests() > 0) {
            baseline = current;
        }
        boolean enough = enough(verdict);
        Optional<String> freeze = freezeAt(now);
        if (decision == GateDecision.PROCEED && enough && freeze.isEmpty()) {
            int last = plan.stages().size() - 1;
            List<String> reasons = withWaivers(verdict.reasons(), waived, now);
            if (s.stageIndex() == last) {
                reasons = promoteToStable(actor, reasons);
                state = s.with(last, now, RolloutStatus.PROMOTED)
                        .withCanaryVerdict(GateDecision.PROCEED);
            } else {
                int next = s.stageIndex() + 1;
                int nextBp = plan.stages().get(next);
                setWeight(nextBp, ChangeContext.of(actor, cut("rollout stage " + (next + 1)
                        + ": " + plan.candidateVersion() + " to " + nextBp + " bp ("
                        + percent(nextBp) + ") after PROCEED at " + percent(bp))));
                state = s.with(next, now, RolloutStatus.RUNNING)
                        .withCanaryVerdict(GateDecision.PROCEED);
                // A new split: its evidence, and its sequential tests' looks, start afresh.
                stageStart = now;
                history = history.withoutSequentialTests();
            }
            saveState(state);
            record(actor, RolloutAction.PROCEED, reasons, verdict);
        } else {
            List<String> reasons = withWaivers(verdict.reasons(), waived, now);
            if (decision == GateDecision.PROCEED && enough) {
                reasons.add("freeze: '" + freeze.get() + "' is in force at " + now
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
            state = s.with(s.stageIndex(), now, RolloutStatus.RUNNING)
                    .withCanaryVerdict(GateDecision.HOLD);
            saveState(state);
            record(actor, RolloutAction.HOLD, reasons, verdict);
        }
        return state.status();
    }

    private boolean enough(GateVerdict verdict) {
        return verdict.samples().values().stream().allMatch(n -> n >= plan.minSamples());
    }

    private Optional<String> freezeAt(Instant now) {
        return plan.calendar().frozenAt(now);
    }

    /**
     * Seed 003's troubleshooting lines: {@code rollout_checkpoint} for every checkpoint judged
     * (status success, hold or failure, as its {@code rollout_checkpoint_total} metric), and
     * {@code rollout_mae_degradation} for each breached criterion that reads the MAE.
     */
    private void logCheckpoint(RolloutState s, GateDecision decision, GateVerdict verdict) {
        String status = decision == GateDecision.PROCEED ? "success"
                : decision == GateDecision.HOLD ? "hold" : "failure";
        LOG.info("rollout_checkpoint model={} candidate={} stage={} traffic_pct={} decision={} "
                + "status={} samples={}", plan.model(), plan.candidateVersion(),
                s.stageIndex() + 1, percent(plan.stages().get(s.stageIndex())), decision, status,
                verdict.samples());
        for (CriterionResult c : verdict.criteria()) {
            if (c.breached() && maeCriteria.contains(c.name())) {
                LOG.warn("rollout_mae_degradation model={} candidate={} stage={} criterion={} "
                        + "status={} increase_pct={} threshold_pct={} observed={}",
                        plan.model(), plan.candidateVersion(), s.stageIndex() + 1, c.name(),
                        c.status(), c.value(), c.threshold(), c.observed());
            }
        }
    }

    /** The snapshot as the gates read it: at 100%, the stable arm from the baseline. */
    private SnapshotGateInput input(MeasurementSnapshot snapshot,
            @Nullable MeasurementSnapshot stableBaseline) {
        return stableBaseline != null
                ? SnapshotGateInput.withBaseline(snapshot, stableBaseline, plan.stableVersion(),
                        plan.candidateVersion())
                : SnapshotGateInput.of(snapshot, plan.stableVersion(), plan.candidateVersion());
    }

    /**
     * The windows of the current stage: from the first window starting at or after the stage's
     * start (the open one included); while the stage is younger than the window it began in,
     * that window, which also holds the previous weight's traffic ({@code whole} false).
     */
    private StageSnapshot stageSnapshot(Instant now) {
        long first = firstWindowAtOrAfter(stageStart);
        boolean whole = first <= now.toEpochMilli();
        if (!whole) {
            first -= measurements.windowMillis();
        }
        return new StageSnapshot(windowsFrom(first, now), whole);
    }

    /** A stage's windows, and whether they all began in the stage (one weight). */
    private record StageSnapshot(MeasurementSnapshot snapshot, boolean whole) {}

    /**
     * The windows that start at or after {@code start} (the open one included), or null while
     * none has started.
     */
    private @Nullable MeasurementSnapshot snapshotSince(Instant start, Instant now) {
        long first = firstWindowAtOrAfter(start);
        return first > now.toEpochMilli() ? null : windowsFrom(first, now);
    }

    /** The start of the first measurement window that starts at or after t, epoch millis. */
    private long firstWindowAtOrAfter(Instant t) {
        long window = measurements.windowMillis();
        return Math.floorDiv(t.toEpochMilli() + window - 1, window) * window;
    }

    /** The windows from the one starting at {@code first} to the open one. */
    private MeasurementSnapshot windowsFrom(long first, Instant now) {
        // + 1 ms: at a window boundary the lookback must still reach back to the first window.
        return measurements.snapshot(plan.model(),
                Duration.ofMillis(now.toEpochMilli() - first + 1));
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
        saveState(state);
        record(ctx.actor(), RolloutAction.PAUSE, List.of(ctx.reason()), null);
    }

    /**
     * Resumes a PAUSED rollout with a new checkpoint at the same stage; the stage's evidence
     * starts afresh (what was measured while paused, perhaps before a fix, is not judged).
     *
     * @param ctx who and why
     * @throws IllegalStateException if the rollout is not PAUSED
     */
    public synchronized void resume(ChangeContext ctx) {
        RolloutState s = require(ctx, RolloutStatus.PAUSED, "resume");
        state = s.with(s.stageIndex(), clock.instant(), RolloutStatus.RUNNING);
        stageStart = state.checkpointStart();
        history = history.withoutSequentialTests();
        saveState(state);
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
        Optional<String> freeze = plan.calendar().frozenAt(now);
        if (freeze.isPresent() && type != ChangeType.EMERGENCY) {
            throw new ChangeRefusedException("freeze window '" + freeze.get() + "' is in "
                    + "force at " + now + ": cannot promote " + plan.candidateVersion() + " as a "
                    + type.name().toLowerCase(java.util.Locale.ROOT) + " change (an emergency "
                    + "change, a rollback or an abort is allowed)");
        }
        int last = plan.stages().size() - 1;
        int bp = plan.stages().get(last);
        setWeight(bp, ChangeContext.of(ctx.actor(), cut("rollout manual promote to " + bp
                + " bp: " + ctx.reason()), ctx.ticket()));
        List<String> reasons = promoteToStable(ctx.actor(), List.of(ctx.reason()));
        state = s.with(last, clock.instant(), RolloutStatus.PROMOTED);
        saveState(state);
        record(ctx.actor(), RolloutAction.PROMOTE, reasons, null);
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

    /**
     * @return the current status, {@link RolloutStatus#STANDBY} while this controller does not
     *     hold its lease; lock-free
     */
    public RolloutStatus status() {
        return leading ? state.status() : RolloutStatus.STANDBY;
    }

    /** @return whether this controller may act: true without a lease, else while it holds it */
    public boolean leading() {
        return leading;
    }

    /** @return the lease grant this controller holds, empty if none (or no lease) */
    public Optional<LeaseGrant> leaseGrant() {
        return Optional.ofNullable(grant);
    }

    /** @return how many lease acquisitions or renewals failed (the lease unreachable) */
    public long leaseFailures() {
        return leaseFailures.get();
    }

    /**
     * Gives up the lease (e.g. at shutdown), so that a standby controller takes over at its next
     * tick instead of after the TTL; this controller stands by until a tick acquires the lease
     * again (cancel its schedule to stop it). Does nothing without a lease. Never throws.
     */
    public synchronized void stepDown() {
        LeaseGrant g = grant;
        if (lease == null || g == null) {
            return;
        }
        leading = false;
        grant = null;
        tookOver = false;
        try {
            lease.lease().release(g);
        } catch (Throwable t) {
            leaseFailures.incrementAndGet(); // it lapses at its expiry instead
        }
    }

    /** @return the current state; lock-free */
    public RolloutState state() {
        return state;
    }

    /**
     * @return the current stage's candidate weight in basis points; 0 in the shadow phase and
     *     after a failed one
     */
    public int currentBasisPoints() {
        return basisPoints(state);
    }

    /** The candidate weight a state stands for: 0 in or after a failed shadow phase. */
    private int basisPoints(RolloutState s) {
        return s.status() == RolloutStatus.SHADOW
                || s.shadowVerdict() == ShadowVerdict.Result.FAIL ? 0
                : plan.stages().get(s.stageIndex());
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

    /**
     * @return how many ticks failed (each a HOLD decision, or the fail-safe), since this
     *     controller started; lock-free
     */
    public long tickFailures() {
        return tickFailures.get();
    }

    /** @return failed ticks in a row, 0 after a tick that did not fail; lock-free */
    public int consecutiveTickFailures() {
        return consecutiveFailures;
    }

    /**
     * @return the error of the last failed tick ({@code Throwable.toString()}, cut to 500
     *     characters), or empty if no tick failed; it stays after later successful ticks
     */
    public Optional<String> lastTickError() {
        return Optional.ofNullable(lastTickError);
    }

    /** @return this controller's decisions so far, oldest first (not those before a restart) */
    public synchronized List<RolloutDecision> decisions() {
        return List.copyOf(decisions);
    }

    private void rollBack(RolloutState s, Instant now, @Nullable GateVerdict verdict,
            RolloutAction action, RolloutStatus status, String who, List<String> reasons,
            String what) {
        String reason = cut(what + " of " + plan.candidateVersion() + " " + where(s) + ": "
                + String.join("; ", reasons));
        ChangeContext ctx = fenced(ChangeContext.of(who, reason));
        if (!plan.dryRun()) {
            try {
                // Kill first: it takes the candidate out of every decision in one snapshot swap.
                admin.kill(KillTarget.version(plan.model(), plan.candidateVersion()), ctx);
                admin.setWeight(plan.model(), plan.candidateVersion(), 0, ctx);
            } catch (FencedWriteException e) {
                throw lostToFencing(e);
            }
        }
        RolloutState next = backedOut(s, now, status);
        if (action == RolloutAction.SHADOW_FAIL) {
            next = next.withShadowVerdict(ShadowVerdict.Result.FAIL);
        } else if (action == RolloutAction.ROLLBACK && verdict != null) {
            next = next.withCanaryVerdict(GateDecision.ROLLBACK);
        }
        state = next;
        saveState(state);
        record(who, action, reasons, verdict);
        openIncident(s, verdict);
    }

    /** The final state after a backout, with the post-rollback verification due if planned. */
    private RolloutState backedOut(RolloutState s, Instant now, RolloutStatus status) {
        RolloutState next = s.with(s.stageIndex(), now, status);
        return plan.backoutVerification().isPresent() && !plan.dryRun()
                ? next.withBackoutVerification(BackoutVerification.Result.PENDING) : next;
    }

    /** "in the shadow phase (0%)" or "at stage 2 (25%)", for reasons. */
    private String where(RolloutState s) {
        return s.status() == RolloutStatus.SHADOW ? "in the shadow phase (0%, never served)"
                : "at stage " + (s.stageIndex() + 1) + " ("
                        + percent(plan.stages().get(s.stageIndex())) + ")";
    }

    /** Failing criteria that a waiver valid at {@code now} excuses. */
    private Set<String> waived(GateVerdict verdict, Instant now) {
        Set<String> out = new HashSet<>();
        for (CriterionWaiver w : plan.waivers()) {
            if (w.validAt(now)) {
                out.add(w.criterion());
            }
        }
        return out;
    }

    private List<String> withWaivers(List<String> reasons, Set<String> waived, Instant now) {
        List<String> out = new ArrayList<>(reasons);
        for (CriterionWaiver w : plan.waivers()) {
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
            try {
                admin.setWeight(plan.model(), plan.candidateVersion(), bp, fenced(ctx));
            } catch (FencedWriteException e) {
                throw lostToFencing(e);
            }
        }
    }

    /**
     * Under a lease, the routing changes this controller makes carry its grant, so that a fleet
     * override store refuses them once another controller holds the lease (a paused ex-leader
     * cannot change weights after waking up).
     */
    private ChangeContext fenced(ChangeContext ctx) {
        LeaseGrant g = grant;
        return lease != null && g != null ? ctx.withFence(g) : ctx;
    }

    private void record(String who, RolloutAction action, List<String> reasons,
            @Nullable GateVerdict verdict) {
        record(who, action, reasons, verdict, false);
    }

    /** Records a decision on a failure path: a store that fails is logged, not thrown. */
    private void recordQuietly(String who, RolloutAction action, List<String> reasons,
            @Nullable GateVerdict verdict) {
        try {
            record(who, action, reasons, verdict, true);
        } catch (Throwable t) {
            LOG.error("Release Router: could not record a rollout decision of {} {}",
                    plan.model(), plan.candidateVersion(), t);
        }
    }

    private void record(String who, RolloutAction action, List<String> reasons,
            @Nullable GateVerdict verdict, boolean quiet) {
        RolloutState s = state;
        RolloutDecision d = new RolloutDecision(safeNow(), who, plan.model(),
                plan.candidateVersion(), s.stageIndex(), basisPoints(s),
                action, s.status(), reasons, verdict == null ? null : verdict.toJson(),
                plan.policy().digest(), plan.dryRun());
        decisions.add(d);
        try {
            appendDecision(d);
        } catch (Throwable e) {
            if (!quiet) {
                throw e; // unchecked only (precise rethrow): the tick's handler counts it
            }
            LOG.error("Release Router: could not append a rollout decision of {} {}: {}",
                    plan.model(), plan.candidateVersion(), e.toString());
        }
        for (RolloutListener l : listeners) {
            try {
                l.onDecision(d, verdict);
            } catch (Throwable e) {
                // User code: contained and counted, whatever it throws (team error policy).
                if (listenerFailures.getAndIncrement() == 0) {
                    LOG.warn("Release Router: a rollout listener failed ({}); further failures "
                            + "are only counted", e.toString());
                }
            }
        }
    }

    /** The clock's instant, or the last one it gave if it fails (decisions must be recorded). */
    private Instant safeNow() {
        try {
            Instant now = clock.instant();
            lastInstant = now;
            return now;
        } catch (Throwable t) {
            return lastInstant;
        }
    }

    private RolloutState require(ChangeContext ctx, RolloutStatus wanted, String op) {
        Objects.requireNonNull(ctx, "ctx");
        requireLeading(op);
        RolloutState s = state;
        if (s.status() != wanted) {
            throw new IllegalStateException("cannot " + op + " a rollout that is " + s.status()
                    + " (must be " + wanted + ")");
        }
        return s;
    }

    private RolloutState requireNotFinal(ChangeContext ctx, String op) {
        Objects.requireNonNull(ctx, "ctx");
        requireLeading(op);
        RolloutState s = state;
        if (s.status().isFinal()) {
            throw new IllegalStateException("cannot " + op + " a rollout that is already "
                    + s.status());
        }
        return s;
    }

    /** Manual operations act only on the leader (the lease is renewed first). */
    private void requireLeading(String op) {
        if (lease == null) {
            return;
        }
        if (!holdLease()) {
            throw new IllegalStateException("cannot " + op + " the rollout of "
                    + plan.candidateVersion() + ": this controller does not hold the lease "
                    + RolloutLease.name(plan.model()) + "; use the controller that does");
        }
        if (!tookOver) {
            takeOver(stored(plan, store));
            tookOver = true;
        }
    }

    // ------------------------------------------------------------------ the chain (issue 20)

    /**
     * A tick in the shadow phase: nothing before the minimum duration; then, once per
     * checkpoint duration, the evidence is judged. PASS starts stage 1 (unless a freeze holds
     * it), FAIL ends the rollout, NOT_ENOUGH_DATA holds until the maximum duration, then fails.
     */
    private RolloutStatus shadowTick(RolloutState s) {
        ShadowPhase phase = plan.shadowPhase().orElseThrow(); // checked at start
        Instant now = clock.instant();
        lastInstant = now;
        Duration elapsed = Duration.between(s.checkpointStart(), now);
        if (elapsed.compareTo(phase.minDuration()) < 0) {
            return RolloutStatus.SHADOW;
        }
        Instant last = lastShadowJudgement;
        if (last != null && Duration.between(last, now).compareTo(plan.checkpointDuration()) < 0) {
            return RolloutStatus.SHADOW;
        }
        ShadowEvidenceSource source = phase.source()
                .orElseGet(() -> ShadowEvidenceSource.of(admin.router()));
        ShadowVerdict verdict = phase.criteria().judge(Objects.requireNonNull(
                source.read(plan.model(), plan.candidateVersion()), "shadow evidence"));
        lastShadowJudgement = now;
        ShadowVerdict.Result result = verdict.result();
        boolean expired = elapsed.compareTo(phase.maxDuration()) >= 0;
        List<String> reasons = new ArrayList<>();
        reasons.add("shadow verdict " + result + " after " + elapsed);
        reasons.addAll(verdict.reasons());
        LOG.info("rollout_checkpoint model={} candidate={} stage=shadow traffic_pct=0% "
                + "decision={} status={} comparisons={}", plan.model(), plan.candidateVersion(),
                result, result == ShadowVerdict.Result.PASS ? "success"
                        : result == ShadowVerdict.Result.FAIL || expired ? "failure" : "hold",
                verdict.evidence().comparisons());
        if (result == ShadowVerdict.Result.FAIL
                || (result == ShadowVerdict.Result.NOT_ENOUGH_DATA && expired)) {
            if (result != ShadowVerdict.Result.FAIL) {
                reasons.add("no passing shadow verdict within the phase's maximum of "
                        + phase.maxDuration() + ": no evidence, no promotion");
            }
            rollBack(s, now, null, RolloutAction.SHADOW_FAIL, RolloutStatus.ROLLED_BACK, actor,
                    reasons, "rollout shadow phase failed");
            audit(actor, "rollout.shadow_verdict", "\"FAIL\"", reasons);
            return state.status();
        }
        Optional<String> freeze = freezeAt(now);
        if (result == ShadowVerdict.Result.PASS && freeze.isEmpty()) {
            int bp = plan.stages().get(0);
            setWeight(bp, ChangeContext.of(actor, cut("rollout stage 1: "
                    + plan.candidateVersion() + " to " + bp + " bp (" + percent(bp)
                    + ") after the shadow phase passed")));
            state = s.with(0, now, RolloutStatus.RUNNING)
                    .withShadowVerdict(ShadowVerdict.Result.PASS);
            stageStart = now;
            history = GateHistory.empty();
            baseline = null;
            saveState(state);
            record(actor, RolloutAction.SHADOW_PASS, reasons, null);
            audit(actor, "rollout.shadow_verdict", "\"PASS\"", reasons);
            return state.status();
        }
        if (freeze.isPresent() && result == ShadowVerdict.Result.PASS) {
            reasons.add("freeze: '" + freeze.get() + "' is in force at " + now
                    + "; the canary starts when it ends");
        }
        record(actor, RolloutAction.HOLD, reasons, null);
        return RolloutStatus.SHADOW;
    }

    /**
     * At PROMOTED, when the plan says so: the candidate becomes the model's stable version
     * (audited by the router). A refusal does not undo the promotion: the candidate stays at
     * the last stage's weight and the reason says what to do.
     */
    private List<String> promoteToStable(String who, List<String> reasons) {
        if (!plan.promoteOnCompletion() || plan.dryRun()) {
            return reasons;
        }
        List<String> out = new ArrayList<>(reasons);
        try {
            admin.setStable(plan.model(), plan.candidateVersion(), fenced(ChangeContext.of(who,
                    "rollout promotion: " + plan.candidateVersion() + " becomes the stable "
                            + "version of " + plan.model() + " (was " + plan.stableVersion()
                            + ") after the last stage")));
            out.add("promoted: " + plan.candidateVersion() + " is now the stable version of "
                    + plan.model() + " (was " + plan.stableVersion() + ")");
            LOG.info("rollout_promoted model={} candidate={} previous_stable={}", plan.model(),
                    plan.candidateVersion(), plan.stableVersion());
        } catch (FencedWriteException e) {
            throw lostToFencing(e);
        } catch (RuntimeException e) {
            out.add("promotion to stable failed: " + e.getMessage() + "; "
                    + plan.candidateVersion() + " stays at 100% as a candidate: make it stable "
                    + "by hand (RouterAdmin.setStable or the registry's alias)");
            LOG.error("Release Router: rollout of {} {} is PROMOTED but the candidate could not "
                    + "be made the stable version", plan.model(), plan.candidateVersion(), e);
        }
        return out;
    }

    /**
     * After a backout: the incident record, kept by the store and the audit trail. A failure
     * to write it is logged and counted ({@link #incidentFailures()}), never thrown: the
     * backout is done.
     */
    private void openIncident(RolloutState before, @Nullable GateVerdict verdict) {
        try {
            RolloutDecision trigger = decisions.get(decisions.size() - 1);
            List<String> backout = new ArrayList<>();
            if (plan.dryRun()) {
                backout.add("dry run: nothing was changed in the router");
            } else {
                backout.add("kill switch on " + plan.model() + "/" + plan.candidateVersion());
                backout.add("weight of " + plan.candidateVersion() + " set to 0 (was "
                        + basisPoints(before) + " bp)");
            }
            backout.add("state saved: " + state.status() + " at " + state.checkpointStart());
            IncidentRecord r = new IncidentRecord(plan, trigger, before.checkpointStart(),
                    verdict, decisions, backout, state.backoutVerification(), List.of());
            incident = r;
            LOG.warn("rollout_incident model={} candidate={} trigger={} thresholds_crossed={} "
                    + "verification={}", plan.model(), plan.candidateVersion(), r.trigger(),
                    r.thresholds().size(), r.verification());
            audit(trigger.actor(), "rollout.incident", "\"" + r.trigger() + "\"",
                    trigger.reasons());
            store.writeIncident(r);
        } catch (Throwable t) {
            incidentFailures.incrementAndGet();
            LOG.error("Release Router: could not write the incident record of {} {}",
                    plan.model(), plan.candidateVersion(), t);
        }
    }

    /**
     * The post-rollback verification (seed 004 §6), once its delay is over: the candidate is
     * out of the routing, served nothing in the windows wholly after the backout, and the
     * stable version's error rate there is within the plan's limit. Recorded in the state, as a
     * VERIFY decision, in the audit trail and in the incident record.
     */
    private void verifyBackoutIfDue(RolloutState s) {
        BackoutVerification check = plan.backoutVerification().orElse(null);
        if (check == null || s.backoutVerification() != BackoutVerification.Result.PENDING) {
            return;
        }
        Instant now = clock.instant();
        lastInstant = now;
        if (now.isBefore(s.checkpointStart().plus(check.delay()))) {
            return;
        }
        // The windows wholly after the backout: the one it happened in may hold calls before it.
        MeasurementSnapshot after = snapshotSince(s.checkpointStart().plusMillis(1), now);
        if (after == null) {
            return; // no window has started since the backout: the next tick looks again
        }
        List<String> why = new ArrayList<>();
        boolean ok = true;
        int bp = candidateWeight();
        boolean killed = candidateKilled();
        if (killed || bp == 0) {
            why.add("routing: " + plan.candidateVersion() + (killed ? " killed" : "") + " at "
                    + bp + " bp: ok");
        } else {
            ok = false;
            why.add("routing: " + plan.candidateVersion() + " is routable again at " + bp
                    + " bp: FAIL");
        }
        long served = after.arm(plan.candidateVersion()).requests();
        String span = "the windows from " + after.from() + " to " + after.to();
        if (served == 0) {
            why.add("traffic: " + plan.candidateVersion() + " served 0 requests in " + span
                    + ": ok");
        } else {
            ok = false;
            why.add("traffic: " + plan.candidateVersion() + " served " + served + " requests in "
                    + span + ": FAIL");
        }
        ArmStats stable = after.arm(plan.stableVersion());
        if (stable.requests() == 0) {
            ok = false;
            why.add("error rate: " + plan.stableVersion() + " had no traffic in " + span
                    + ", so the error rate could not be verified: FAIL");
        } else if (stable.errorRate() <= check.maxErrorRate()) {
            why.add("error rate: " + plan.stableVersion() + " " + stable.errorRate() + " ("
                    + stable.errors() + " of " + stable.requests() + ") <= "
                    + check.maxErrorRate() + ": ok");
        } else {
            ok = false;
            why.add("error rate: " + plan.stableVersion() + " " + stable.errorRate() + " ("
                    + stable.errors() + " of " + stable.requests() + ") > "
                    + check.maxErrorRate() + ": FAIL");
        }
        BackoutVerification.Result result = ok ? BackoutVerification.Result.PASSED
                : BackoutVerification.Result.FAILED;
        state = s.withBackoutVerification(result);
        saveState(state);
        record(actor, RolloutAction.VERIFY, why, null);
        LOG.info("rollout_backout_verification model={} candidate={} result={} reasons={}",
                plan.model(), plan.candidateVersion(), result, why);
        audit(actor, "rollout.backout_verification", "\"" + result + "\"", why);
        IncidentRecord r = incident;
        if (r != null) {
            try {
                r = r.verified(result, why, decisions);
                incident = r;
                store.writeIncident(r);
            } catch (Throwable t) {
                incidentFailures.incrementAndGet();
                LOG.error("Release Router: could not rewrite the incident record of {} {}",
                        plan.model(), plan.candidateVersion(), t);
            }
        }
    }

    /** Writes one of the chain's events to the audit trail, if the controller has one. */
    private void audit(String who, String action, String after, List<String> reasons) {
        AuditSink sink = audit;
        if (sink == null) {
            return;
        }
        try {
            sink.record(new AuditEvent(safeNow(), who, action, plan.model() + "/"
                    + plan.candidateVersion(), null, after, cut(String.join("; ", reasons)),
                    null, admin.router().configRevision()));
        } catch (Throwable t) {
            // User code (the sink): contained and logged (team error policy).
            LOG.warn("Release Router: the audit sink failed to record {} of {} {}: {}", action,
                    plan.model(), plan.candidateVersion(), t.toString());
        }
    }

    /**
     * Whether the schedule must keep ticking a final rollout: its post-rollback verification is
     * still due.
     */
    boolean hasPendingWork() {
        return state.backoutVerification() == BackoutVerification.Result.PENDING;
    }

    /**
     * @return the incident record of this controller's last backout (rollback, abort, failed
     *     shadow phase, fail-safe), with the post-rollback verification once it ran; empty if
     *     there was none since this controller started
     */
    public Optional<IncidentRecord> incident() {
        return Optional.ofNullable(incident);
    }

    /** @return how many times an incident record could not be built or written */
    public long incidentFailures() {
        return incidentFailures.get();
    }

    static String cut(String reason) {
        return reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON - 3)
                + "...";
    }

    private static String percent(int bp) {
        return (bp % 100 == 0 ? String.valueOf(bp / 100) : String.valueOf(bp / 100.0)) + "%";
    }
}
