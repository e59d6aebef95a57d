package dev.releaserouter.rollout.gates;

import java.util.List;

/**
 * Reads a policy's {@linkplain ExternalMetric external metrics}, e.g. router-prometheus's
 * {@code PrometheusMetricSource} runs each one's PromQL query. Register sources on the rollout
 * plan ({@code RolloutPlan.Builder#metricSource}); the controller asks each source once per
 * tick for all of its metrics, for both arms, and the gates then read the answers like any
 * other value, with the same thresholds, severities, consecutive windows and NOT_ENOUGH_DATA
 * rules (see {@link ExternalMetrics#overlay}).
 *
 * <p>Contract: {@link #read} never throws for a metric it cannot read (a timeout, an HTTP
 * error, an empty result): it answers {@link ExternalReadings.Reading#unavailable} with the
 * reason, which the verdict shows, and the criterion is NOT_ENOUGH_DATA (never a pass, never a
 * failure). Whatever it throws anyway is caught by {@link ExternalMetrics#overlay} and turned
 * into the same for every metric of the source. It is called off the request path (the rollout
 * controller's tick) and may do I/O, within a bounded time.
 *
 * <p>Implementations must be thread-safe.
 */
public interface ExternalMetricSource {

    /**
     * @return the name policies give in a metric's {@code source} field, e.g.
     *     {@code prometheus}
     */
    String name();

    /**
     * Checks one metric's fields when a rollout plan is built, so that a bad entry fails at
     * start rather than on every tick. By default, accepts anything.
     *
     * @param metric an entry of the policy whose {@code source} is {@link #name()}
     * @throws dev.releaserouter.api.config.ConfigException naming the policy file
     *     ({@link ExternalMetric#policySource()}), the field's JSON pointer (under
     *     {@link ExternalMetric#pointer()}) and the bad value
     */
    default void validate(ExternalMetric metric) {}

    /**
     * Reads metrics for both arms.
     *
     * @param metrics the policy's metrics of this source, in file order
     * @param query the model, versions, window and instant to read for
     * @return a reading for every metric and arm ({@value GateInput#STABLE},
     *     {@value GateInput#CANDIDATE}); a missing one counts as unavailable
     */
    ExternalReadings read(List<ExternalMetric> metrics, ExternalQuery query);
}
