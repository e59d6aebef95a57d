package dev.releaserouter.rollout;

import dev.releaserouter.rollout.gates.Estimate;
import dev.releaserouter.rollout.gates.GateInput;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What the rollout controller gives the gates at a tick: the checkpoint's lookback (every value
 * as measured over it), the evidence of the current stage so far ({@link #cumulative()}: the
 * windows since the stage's weight took effect, which criteria that gather evidence while they
 * hold read), and the stage's configured split ({@link #candidateShare()}).
 *
 * <p>Immutable and thread-safe if its inputs are.
 */
final class StageGateInput implements GateInput {

    private final GateInput window;
    private final GateInput stage;
    private final double candidateShare;

    /**
     * @param window the checkpoint's lookback
     * @param stage the stage's windows so far
     * @param candidateShare the stage's weight as a share, NaN when unknown (a dry run) or when
     *     the stage's windows also hold the previous weight's traffic
     */
    StageGateInput(GateInput window, GateInput stage, double candidateShare) {
        this.window = window;
        this.stage = stage;
        this.candidateShare = candidateShare;
    }

    @Override
    public double value(String arm, String metric) {
        return window.value(arm, metric);
    }

    @Override
    public long samples(String arm) {
        return window.samples(arm);
    }

    @Override
    public Duration window() {
        return window.window();
    }

    @Override
    public long samples(String arm, String metric) {
        return window.samples(arm, metric);
    }

    @Override
    public long count(String arm, String metric) {
        return window.count(arm, metric);
    }

    @Override
    public double variance(String arm, String metric) {
        return window.variance(arm, metric);
    }

    @Override
    public long @Nullable [] histogram(String arm, String metric) {
        return window.histogram(arm, metric);
    }

    @Override
    public @Nullable Estimate estimate(String arm, String metric) {
        return window.estimate(arm, metric);
    }

    @Override
    public GateInput cumulative() {
        return stage;
    }

    @Override
    public double candidateShare() {
        return candidateShare;
    }

    @Override
    public long assigned(String arm) {
        return window.assigned(arm);
    }

    @Override
    public @Nullable String unknownReason(String arm, String metric) {
        return window.unknownReason(arm, metric);
    }
}
