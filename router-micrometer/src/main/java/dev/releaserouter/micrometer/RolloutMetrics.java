package dev.releaserouter.micrometer;

import dev.releaserouter.rollout.gates.CriterionResult;
import dev.releaserouter.rollout.gates.CriterionStatus;
import dev.releaserouter.rollout.gates.GateVerdict;
import dev.releaserouter.rollout.RolloutAction;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutDecision;
import dev.releaserouter.rollout.RolloutState;
import dev.releaserouter.rollout.RolloutStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The rollout meters of seed 003 for one {@link RolloutController}, tagged {@code model} and
 * {@code version} (the candidate):
 * <ul>
 *   <li>{@value MetricNames#ROLLOUT_STAGE}: the current stage, 1 to the number of stages;
 *   <li>{@value MetricNames#ROLLOUT_TRAFFIC_PERCENT}: the candidate's traffic share set by the
 *       rollout, 0 after a rollback or an abort (in dry run: the share it would have set);
 *   <li>{@value MetricNames#ROLLOUT_STATUS}, tag {@code status}: 1 for the current status, 0 for
 *       the others;
 *   <li>{@value MetricNames#ROLLOUT_CHECKPOINTS}, tags {@code stage} (1 to the number of
 *       stages: the stage judged) and {@code status} = {@code proceed} | {@code hold} |
 *       {@code rollback}: gate evaluations that decided (the seed's {@code status="success"}
 *       is {@code proceed}; {@link RolloutMeterNaming#seed003()} renames it);
 *   <li>{@value MetricNames#ROLLOUT_DEGRADATIONS}, tags {@code stage}, {@code reason} (the
 *       criterion's name from the policy file, so as few values as the policy has criteria)
 *       and {@code severity} = {@code alert} | {@code critical}: criteria that failed in those
 *       evaluations;
 *   <li>{@value MetricNames#ROLLOUT_CRITERION_STATUS}, tags {@code criterion} and {@code type}
 *       (the criterion's type, e.g. {@code expression}, {@code psi}): each criterion's status
 *       at the last checkpoint, 0 OK, 1 NOT_ENOUGH_DATA, 2 ALERT, 3 CRITICAL (registered at
 *       the first checkpoint); a sample-ratio-mismatch criterion failing shows here;
 *   <li>{@value MetricNames#ROLLOUT_TICK_FAILURES}: ticks that failed (each a HOLD whose reason
 *       is the error, or the fail-safe), counted since the controller started;
 *   <li>{@value MetricNames#ROLLOUT_TICK_FAILURES_CONSECUTIVE}: ticks failed in a row (the
 *       fail-safe trips at the plan's {@code maxFailedTicks}), 0 after a good tick.
 * </ul>
 *
 * <pre>{@code new RolloutMetrics(controller).bindTo(meterRegistry);}</pre>
 *
 * <p>The checkpoint and degradation counters of every stage and criterion are registered at 0
 * when bound, so that {@code increase()} sees the first one (as many series as the plan has
 * stages times criteria). Gauges read the controller's lock-free state when scraped; counters
 * and the criterion statuses are fed by a {@link dev.releaserouter.rollout.RolloutListener}, so
 * they count the decisions made after binding. Thread-safe: meters are registered through the
 * registry (idempotent), the criterion statuses are atomics in a concurrent map.
 */
public final class RolloutMetrics implements MeterBinder {

    private final RolloutController controller;

    /**
     * @param controller the rollout to observe
     * @throws NullPointerException if controller is null
     */
    public RolloutMetrics(RolloutController controller) {
        this.controller = Objects.requireNonNull(controller, "controller");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Tags tags = Tags.of("model", controller.plan().model(), "version",
                controller.plan().candidateVersion());
        Gauge.builder(MetricNames.ROLLOUT_STAGE, controller, c -> c.state().stageIndex() + 1)
                .tags(tags)
                .description("Current rollout stage, 1 to the number of stages")
                .register(registry);
        Gauge.builder(MetricNames.ROLLOUT_TRAFFIC_PERCENT, controller,
                        RolloutMetrics::trafficPercent)
                .tags(tags)
                .description("Candidate traffic share set by the rollout, in percent")
                .baseUnit("percent")
                .register(registry);
        for (RolloutStatus status : RolloutStatus.values()) {
            Gauge.builder(MetricNames.ROLLOUT_STATUS, controller,
                            c -> c.status() == status ? 1 : 0)
                    .tags(tags).tag("status", lower(status))
                    .description("1 for the rollout's current status")
                    .register(registry);
        }
        FunctionCounter.builder(MetricNames.ROLLOUT_TICK_FAILURES, controller,
                        RolloutController::tickFailures)
                .tags(tags)
                .description("Rollout ticks that failed: a HOLD with the error, or the fail-safe")
                .register(registry);
        Gauge.builder(MetricNames.ROLLOUT_TICK_FAILURES_CONSECUTIVE, controller,
                        RolloutController::consecutiveTickFailures)
                .tags(tags)
                .description("Rollout ticks failed in a row; the fail-safe trips at the plan's "
                        + "maxFailedTicks")
                .register(registry);
        // Every (stage, status) and (stage, criterion, severity) counter exists from the start,
        // at 0, so that increase() sees the first checkpoint or degradation (a series that
        // appears at 1 has no increase). As many series as the plan has stages and criteria.
        int stages = controller.plan().stages().size();
        for (int stage = 1; stage <= stages; stage++) {
            for (String status : List.of("proceed", "hold", "rollback")) {
                checkpoints(registry, tags, stage, status);
            }
            for (String criterion : controller.plan().policy().criterionNames()) {
                for (String severity : List.of("alert", "critical")) {
                    degradation(registry, tags, stage, criterion, severity);
                }
            }
        }
        Map<String, AtomicInteger> criterionStatus = new ConcurrentHashMap<>();
        controller.addListener((decision, verdict) -> {
            String status = checkpointStatus(decision);
            if (status == null) {
                return;
            }
            int stage = judgedStage(decision);
            checkpoints(registry, tags, stage, status).increment();
            if (verdict == null) {
                return;
            }
            for (CriterionResult c : verdict.criteria()) {
                if (c.status() == CriterionStatus.ALERT
                        || c.status() == CriterionStatus.CRITICAL) {
                    degradation(registry, tags, stage, c.name(), lower(c.status())).increment();
                }
                criterionStatus.computeIfAbsent(c.name() + '\u0000' + c.type(), k -> {
                    AtomicInteger holder = new AtomicInteger();
                    Gauge.builder(MetricNames.ROLLOUT_CRITERION_STATUS, holder,
                                    AtomicInteger::get)
                            .tags(tags).tag("criterion", c.name()).tag("type", c.type())
                            .description("Each policy criterion's status at the last "
                                    + "checkpoint: 0 OK, 1 NOT_ENOUGH_DATA, 2 ALERT, 3 CRITICAL")
                            .register(registry);
                    return holder;
                }).set(level(c.status()));
            }
        });
    }

    /**
     * The stage a checkpoint judged, 1-based: a PROCEED is recorded at the stage it moved to
     * (except the last stage's, which promotes in place), HOLD and ROLLBACK where they were.
     */
    static int judgedStage(RolloutDecision d) {
        boolean moved = d.action() == RolloutAction.PROCEED
                && d.status() != RolloutStatus.PROMOTED;
        return d.stageIndex() + (moved ? 0 : 1);
    }

    /** 0 OK, 1 NOT_ENOUGH_DATA, 2 ALERT, 3 CRITICAL: how far from a pass. */
    static int level(CriterionStatus s) {
        return switch (s) {
            case OK -> 0;
            case NOT_ENOUGH_DATA -> 1;
            case ALERT -> 2;
            case CRITICAL -> 3;
        };
    }

    private static @Nullable String checkpointStatus(RolloutDecision d) {
        RolloutAction a = d.action();
        if (d.verdictJson() == null) {
            return null; // a failed tick or the fail-safe: not a gate evaluation
        }
        return a == RolloutAction.PROCEED ? "proceed" : a == RolloutAction.HOLD ? "hold"
                : a == RolloutAction.ROLLBACK ? "rollback" : null;
    }

    private static Counter degradation(MeterRegistry registry, Tags tags, int stage,
            String criterion, String severity) {
        return Counter.builder(MetricNames.ROLLOUT_DEGRADATIONS)
                .tags(tags).tag("stage", String.valueOf(stage)).tag("reason", criterion)
                .tag("severity", severity)
                .description("Policy criteria that failed at rollout checkpoints")
                .register(registry);
    }

    private static Counter checkpoints(MeterRegistry registry, Tags tags, int stage,
            String status) {
        return Counter.builder(MetricNames.ROLLOUT_CHECKPOINTS)
                .tags(tags).tag("stage", String.valueOf(stage)).tag("status", status)
                .description("Rollout gate evaluations that decided, by decision")
                .register(registry);
    }

    private static double trafficPercent(RolloutController c) {
        RolloutState s = c.state();
        if (s.status() == RolloutStatus.ROLLED_BACK || s.status() == RolloutStatus.ABORTED) {
            return 0;
        }
        return c.currentBasisPoints() / 100.0; // 0 in a shadow phase
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
