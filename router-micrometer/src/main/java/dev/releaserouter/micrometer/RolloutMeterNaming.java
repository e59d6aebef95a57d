package dev.releaserouter.micrometer;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Names for the rollout meters other than the router's own ({@code router.rollout.*}), as a
 * Micrometer {@link MeterFilter}: register it on the registry before the meters are bound.
 *
 * <p>{@link #seed003()} exports {@link RolloutMetrics} under seed 003's Prometheus names and
 * labels, so that its dashboards, PromQL and alert rules ({@code RolloutDegradationDetected},
 * {@code RolloutStuckInStage}) work unchanged:
 *
 * <table>
 *   <caption>router name to seed 003 name (Prometheus)</caption>
 *   <tr><th>router</th><th>seed 003</th></tr>
 *   <tr><td>{@code router_rollout_stage}</td><td>{@code neural_hive_rollout_stage}</td></tr>
 *   <tr><td>{@code router_rollout_traffic_percent}</td>
 *       <td>{@code neural_hive_rollout_traffic_pct}</td></tr>
 *   <tr><td>{@code router_rollout_checkpoints_total}</td>
 *       <td>{@code neural_hive_rollout_checkpoint_total}</td></tr>
 *   <tr><td>{@code router_rollout_degradations_total}</td>
 *       <td>{@code neural_hive_rollout_degradation_total}</td></tr>
 * </table>
 *
 * <p>On those four, the label {@code model} becomes {@code model_name}, and the checkpoint
 * status {@code proceed} becomes {@code success} (the seed's "successful checkpoint");
 * {@code hold} and {@code rollback} stay, as do the labels {@code version}, {@code stage},
 * {@code reason} and {@code severity}. Every other meter keeps its name. Nothing is added, so
 * the cardinality is the same.
 *
 * <pre>{@code
 * meterRegistry.config().meterFilter(RolloutMeterNaming.seed003());   // first
 * new RolloutMetrics(controller).bindTo(meterRegistry);
 * // Spring Boot applies MeterFilter beans: @Bean MeterFilter seed003() {...}
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class RolloutMeterNaming {

    private static final Map<String, String> SEED_003 = Map.of(
            MetricNames.ROLLOUT_STAGE, MetricNames.SEED_003_STAGE,
            MetricNames.ROLLOUT_TRAFFIC_PERCENT, MetricNames.SEED_003_TRAFFIC_PCT,
            MetricNames.ROLLOUT_CHECKPOINTS, MetricNames.SEED_003_CHECKPOINT,
            MetricNames.ROLLOUT_DEGRADATIONS, MetricNames.SEED_003_DEGRADATION);

    private static final MeterFilter SEED_003_FILTER = new MeterFilter() {
        @Override
        public Meter.Id map(Meter.Id id) {
            String to = SEED_003.get(id.getName());
            if (to == null) {
                return id;
            }
            List<Tag> tags = new ArrayList<>();
            for (Tag t : id.getTagsAsIterable()) {
                if (t.getKey().equals("model")) {
                    tags.add(Tag.of("model_name", t.getValue()));
                } else if (t.getKey().equals("status") && t.getValue().equals("proceed")
                        && to.equals(MetricNames.SEED_003_CHECKPOINT)) {
                    tags.add(Tag.of("status", "success"));
                } else {
                    tags.add(t);
                }
            }
            // No unit suffix: the seed's gauge is neural_hive_rollout_traffic_pct.
            return id.withName(to).replaceTags(tags).withBaseUnit(null);
        }
    };

    private RolloutMeterNaming() {}

    /**
     * @return a filter exporting the rollout meters under seed 003's names and labels (see the
     *     class description); the same instance every time
     */
    public static MeterFilter seed003() {
        return SEED_003_FILTER;
    }
}
