package dev.releaserouter.micrometer;

import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.hook.CallEvent;
import io.micrometer.common.KeyValues;
import java.util.Locale;

/**
 * The default naming of {@code route(...)} observations: name {@value #NAME}, contextual name
 * (the span name) {@code "route <model>"}; low-cardinality keys {@code model}, {@code version}
 * (the version that answered: the stable one after a fallback) and {@code reason} (the
 * decision's {@link dev.releaserouter.api.Reason}, lowercase); high-cardinality keys
 * {@code bucket} and {@code config.revision} (traces only). {@code version} and {@code reason}
 * are {@code "none"} when the observation ends before the router decided.
 *
 * <p>Stateless and thread-safe; extend it to add keys.
 */
public class DefaultRouteObservationConvention implements RouteObservationConvention {

    /** The observation's name; with the default meter handler, also the timer's name. */
    public static final String NAME = "router.route";

    /** Creates the default convention. */
    public DefaultRouteObservationConvention() {}

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(RouteObservationContext context) {
        return "route " + context.request().model();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(RouteObservationContext context) {
        RouteDecision d = context.decision();
        CallEvent c = context.call();
        String version = c != null ? c.servedVersion()
                : d != null && d.version() != null ? d.version() : "none";
        String reason = d == null ? "none" : d.reason().name().toLowerCase(Locale.ROOT);
        return KeyValues.of("model", context.request().model(), "version", version,
                "reason", reason);
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(RouteObservationContext context) {
        RouteDecision d = context.decision();
        if (d == null) {
            return KeyValues.empty();
        }
        // "-1" when decided before hashing: the observation's value stays as it was.
        String bucket = d.hasBucket() ? String.valueOf(d.bucket().getAsInt()) : "-1";
        return KeyValues.of("bucket", bucket, "config.revision",
                String.valueOf(d.configRevision()));
    }
}
