package dev.releaserouter.rollout.gates;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A gate input that answers a policy's external metrics from readings taken once for this
 * evaluation and everything else from the router's measurements. Immutable.
 */
final class ExternalGateInput implements GateInput {

    private final GateInput base;
    private final Set<String> external;
    // "arm.metric" -> reading, for every external metric and both arms.
    private final Map<String, ExternalReadings.Reading> readings;

    ExternalGateInput(GateInput base, Set<String> external,
            Map<String, ExternalReadings.Reading> readings) {
        this.base = base;
        this.external = Set.copyOf(external);
        this.readings = Map.copyOf(readings);
    }

    private ExternalReadings.@Nullable Reading reading(String arm, String metric) {
        return readings.get(arm + "." + metric);
    }

    @Override
    public double value(String arm, String metric) {
        if (!external.contains(metric)) {
            return base.value(arm, metric);
        }
        ExternalReadings.Reading r = reading(arm, metric);
        return r == null ? Double.NaN : r.value();
    }

    @Override
    public long samples(String arm) {
        return base.samples(arm);
    }

    /** An external metric's samples as its source read them, else the arm's own. */
    @Override
    public long samples(String arm, String metric) {
        if (!external.contains(metric)) {
            return base.samples(arm, metric);
        }
        ExternalReadings.Reading r = reading(arm, metric);
        return r != null && r.samples() >= 0 ? r.samples() : base.samples(arm);
    }

    @Override
    public Duration window() {
        return base.window();
    }

    @Override
    public long count(String arm, String metric) {
        return external.contains(metric) ? -1 : base.count(arm, metric);
    }

    @Override
    public double variance(String arm, String metric) {
        return external.contains(metric) ? Double.NaN : base.variance(arm, metric);
    }

    @Override
    public long @Nullable [] histogram(String arm, String metric) {
        return external.contains(metric) ? null : base.histogram(arm, metric);
    }

    /** External metrics have no sampling error model: they are compared as measured. */
    @Override
    public @Nullable Estimate estimate(String arm, String metric) {
        return external.contains(metric) ? null : base.estimate(arm, metric);
    }

    /** The base's cumulative evidence, its external metrics answered from these readings. */
    @Override
    public @Nullable GateInput cumulative() {
        GateInput c = base.cumulative();
        return c == null ? null : new ExternalGateInput(c, external, readings);
    }

    @Override
    public double candidateShare() {
        return base.candidateShare();
    }

    @Override
    public long assigned(String arm) {
        return base.assigned(arm);
    }

    @Override
    public @Nullable String unknownReason(String arm, String metric) {
        if (!external.contains(metric)) {
            return base.unknownReason(arm, metric);
        }
        ExternalReadings.Reading r = reading(arm, metric);
        return r == null ? "no reading" : r.reason();
    }
}
