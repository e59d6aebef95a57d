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
import java.util.Locale;
import java.util.Objects;
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
 *   <li>{@value MetricNames#ROLLOUT_CHECKPOINTS}, tag {@code status} = {@code proceed} |
 *       {@code hold} | {@code rollback}: gate evaluations that decided (the seed's
 *       {@code status="success"} is {@code proceed});
 *   <li>{@value MetricNames#ROLLOUT_DEGRADATIONS}, tags {@code reason} (the criterion's name
 *       from the policy file, so as few values as the policy has criteria) and {@code severity}
 *       = {@code alert} | {@code critical}: criteria that failed in those evaluations;
 *   <li>{@value MetricNames#ROLLOUT_TICK_FAILURES}: ticks that failed (each a HOLD whose reason
 *       is the error, or the fail-safe), counted since the controller started;
 *   <li>{@value MetricNames#ROLLOUT_TICK_FAILURES_CONSECUTIVE}: ticks failed in a row (the
 *       fail-safe trips at the plan's {@code maxFailedTicks}), 0 after a good tick.
 * </ul>
 *
 * <pre>{@code new RolloutMetrics(controller).bindTo(meterRegistry);}</pre>
 *
 * <p>Gauges read the controller's lock-free state when scraped; counters are fed by a
 * {@link dev.releaserouter.rollout.RolloutListener}, so they count the decisions made after
 * binding. Thread-safe.
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
        Counter proceed = checkpoints(registry, tags, "proceed");
        Counter hold = checkpoints(registry, tags, "hold");
        Counter rollback = checkpoints(registry, tags, "rollback");
        controller.addListener((decision, verdict) -> {
            Counter c = counterFor(decision, proceed, hold, rollback);
            if (c == null) {
                return;
            }
            c.increment();
            degradations(registry, tags, verdict);
        });
    }

    private static @Nullable Counter counterFor(RolloutDecision d, Counter proceed, Counter hold,
            Counter rollback) {
        RolloutAction a = d.action();
        if (d.verdictJson() == null) {
            return null; // a failed tick or the fail-safe: not a gate evaluation
        }
        return a == RolloutAction.PROCEED ? proceed : a == RolloutAction.HOLD ? hold
                : a == RolloutAction.ROLLBACK ? rollback : null;
    }

    private static void degradations(MeterRegistry registry, Tags tags,
            @Nullable GateVerdict verdict) {
        if (verdict == null) {
            return;
        }
        for (CriterionResult c : verdict.criteria()) {
            if (c.status() == CriterionStatus.ALERT || c.status() == CriterionStatus.CRITICAL) {
                Counter.builder(MetricNames.ROLLOUT_DEGRADATIONS)
                        .tags(tags).tag("reason", c.name()).tag("severity", lower(c.status()))
                        .description("Policy criteria that failed at rollout checkpoints")
                        .register(registry)
                        .increment();
            }
        }
    }

    private static Counter checkpoints(MeterRegistry registry, Tags tags, String status) {
        return Counter.builder(MetricNames.ROLLOUT_CHECKPOINTS)
                .tags(tags).tag("status", status)
                .description("Rollout gate evaluations that decided, by decision")
                .register(registry);
    }

    private static double trafficPercent(RolloutController c) {
        RolloutState s = c.state();
        if (s.status() == RolloutStatus.ROLLED_BACK || s.status() == RolloutStatus.ABORTED) {
            return 0;
        }
        return c.plan().stages().get(s.stageIndex()) / 100.0;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
