package dev.releaserouter.micrometer;

/** Every meter name Release Router registers: lowercase, dotted, one place. */
public final class MetricNames {

    /** Gauge: revision of the configuration snapshot in force. */
    public static final String CONFIG_REVISION = "router.config.revision";
    /** Counter, tag {@code outcome} = {@code success} | {@code failure}: flag-source reloads. */
    public static final String CONFIG_RELOADS = "router.config.reloads";
    /** Gauge: 1 when the flag source's latest content is in force, 0 after a refused reload. */
    public static final String CONFIG_UP_TO_DATE = "router.config.up.to.date";
    /** Counter: decisions that failed inside the router and answered the stable version. */
    public static final String INTERNAL_ERRORS = "router.decisions.internal.errors";
    /**
     * Counter, tags model, reason ({@code kill_switch}, {@code budget_exhausted},
     * {@code canary_bucket}, ...: {@code Reason} in lower case): decisions of {@code route}.
     */
    public static final String DECISIONS = "router.decisions";
    /** Gauge, tag model: kill switches in force that affect the model (global ones included). */
    public static final String KILL_SWITCHES = "router.kill.switches";
    /**
     * Gauge, tag {@code component} (e.g. {@code fleet}): 1 while a status component registered
     * with {@code ReleaseRouter.builder().statusContributor(...)} is UP, 0 otherwise.
     */
    public static final String COMPONENT_UP = "router.component.up";
    /**
     * Gauge, tags {@code component}, {@code detail}: each numeric detail of a status component
     * (for the fleet: {@code lagMillis}, {@code failures}, {@code degradations},
     * {@code auditDeferred}, ...); NaN while the component does not report it.
     */
    public static final String COMPONENT_DETAIL = "router.component.detail";

    /** Counter, tags model, version, outcome: shadow calls (ran, dropped, circuit open). */
    public static final String SHADOW_CALLS = "router.shadow.calls";
    /** Counter, tags model, version, reason: requests whose shadow call was skipped. */
    public static final String SHADOW_SKIPPED = "router.shadow.skipped";
    /** Timer, tags model, version, side (stable | candidate): latency of shadowed requests. */
    public static final String SHADOW_LATENCY = "router.shadow.latency";
    /** Counter, tags model, version, match: shadow comparisons. */
    public static final String SHADOW_COMPARISONS = "router.shadow.comparisons";
    /** Distribution summary, tags model, version: candidate minus stable score. */
    public static final String SHADOW_SCORE_DELTA = "router.shadow.score.delta";
    /** Counter, tags model, version, cause: canary requests answered by stable. */
    public static final String FALLBACKS = "router.fallbacks";

    /** Counter, tags model, version, region, route, tenant: calls served, per arm. */
    public static final String ARM_REQUESTS = "router.arm.requests";
    /** Counter, tags model, version, region, route, tenant: failed calls, per arm. */
    public static final String ARM_ERRORS = "router.arm.errors";
    /** Timer, tags model, version, region, route, tenant: latency of served calls, per arm. */
    public static final String ARM_LATENCY = "router.arm.latency";

    /** Gauge, tags model, version: mean cost per call over the lookback, per arm. */
    public static final String ARM_COST_PER_CALL = "router.arm.cost.per.call";
    /** Gauge, tags model, version: mean score over the lookback, per arm. */
    public static final String ARM_SCORE = "router.arm.score.mean";
    /** Gauge, tags model, version: mean absolute error of labelled calls over the lookback. */
    public static final String ARM_MAE = "router.arm.mae";
    /**
     * Gauge, tags model, version, metric ({@code cost_per_call} | {@code avg_score} |
     * {@code mae}): the arm's value minus the stable version's, over the lookback.
     */
    public static final String ARM_DELTA = "router.arm.delta";

    /** Gauge, tags model, version: current rollout stage, 1 to the number of stages. */
    public static final String ROLLOUT_STAGE = "router.rollout.stage";
    /** Gauge, tags model, version: the candidate's traffic share set by the rollout, percent. */
    public static final String ROLLOUT_TRAFFIC_PERCENT = "router.rollout.traffic.percent";
    /** Gauge, tags model, version, status: 1 for the rollout's current status, else 0. */
    public static final String ROLLOUT_STATUS = "router.rollout.status";
    /**
     * Counter, tags model, version, stage, status (proceed | hold | rollback): gate
     * evaluations.
     */
    public static final String ROLLOUT_CHECKPOINTS = "router.rollout.checkpoints";
    /** Counter, tags model, version, stage, reason (criterion), severity: failed criteria. */
    public static final String ROLLOUT_DEGRADATIONS = "router.rollout.degradations";
    /**
     * Gauge, tags model, version, criterion, type: each criterion's status at the last
     * checkpoint, 0 OK, 1 NOT_ENOUGH_DATA, 2 ALERT, 3 CRITICAL.
     */
    public static final String ROLLOUT_CRITERION_STATUS = "router.rollout.criterion.status";
    /** Function counter, tags model, version: rollout ticks that failed (HOLD or fail-safe). */
    public static final String ROLLOUT_TICK_FAILURES = "router.rollout.tick.failures";
    /** Gauge, tags model, version: rollout ticks failed in a row, 0 after a good tick. */
    public static final String ROLLOUT_TICK_FAILURES_CONSECUTIVE =
            "router.rollout.tick.failures.consecutive";

    /**
     * Seed 003's name of {@link #ROLLOUT_STAGE} ({@code neural_hive_rollout_stage} in
     * Prometheus), under {@link RolloutMeterNaming#seed003()}.
     */
    public static final String SEED_003_STAGE = "neural.hive.rollout.stage";
    /**
     * Seed 003's name of {@link #ROLLOUT_TRAFFIC_PERCENT}:
     * {@code neural_hive_rollout_traffic_pct}.
     */
    public static final String SEED_003_TRAFFIC_PCT = "neural.hive.rollout.traffic.pct";
    /**
     * Seed 003's name of {@link #ROLLOUT_CHECKPOINTS}:
     * {@code neural_hive_rollout_checkpoint_total}.
     */
    public static final String SEED_003_CHECKPOINT = "neural.hive.rollout.checkpoint";
    /**
     * Seed 003's name of {@link #ROLLOUT_DEGRADATIONS}:
     * {@code neural_hive_rollout_degradation_total}.
     */
    public static final String SEED_003_DEGRADATION = "neural.hive.rollout.degradation";

    /** Timer (through the default Micrometer meter handler), tags model, version, reason. */
    public static final String ROUTE = DefaultRouteObservationConvention.NAME;

    private MetricNames() {}
}
