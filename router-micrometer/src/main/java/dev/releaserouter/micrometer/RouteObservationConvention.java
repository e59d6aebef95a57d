package dev.releaserouter.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names a {@code route(...)} observation and chooses its key values. Implement it to change them;
 * {@link DefaultRouteObservationConvention} is the default, and can be extended.
 *
 * <p>Implementations must be thread-safe and should keep low-cardinality keys low (no entity
 * keys, no tenants): they become metric tags.
 */
public interface RouteObservationConvention
        extends ObservationConvention<RouteObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof RouteObservationContext;
    }
}
