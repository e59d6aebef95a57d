package dev.releaserouter.rollout;

import dev.releaserouter.rollout.gates.Estimate;
import dev.releaserouter.rollout.gates.GateInput;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What the rollout controller gives the gates at a tick: the checkpoint's lookback (every value
 * as measured over it), the evidence of the current stage so far ({@link #cumulative()}: every
 * window since the stage's weight took effect, which criteria that gather evidence while they
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
     * @param stage the stage's windows so far, or null when no window lies wholly inside the
     *     stage yet (it began during the current window): then the stage has no evidence
     * @param candidateShare the stage's weight as a share, NaN when unknown (a dry run)
     */
    StageGateInput(GateInput window, @Nullable GateInput stage, double candidateShare) {
        this.window = window;
        this.stage = stage != null ? stage : new NoEvidence(window);
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

    /**
     * A stage with no whole window yet: no units, and every estimate the window knows is
     * undefined (not enough data), so nothing is judged on data from the previous split.
     */
    private static final class NoEvidence implements GateInput {

        private final GateInput window;

        NoEvidence(GateInput window) {
            this.window = window;
        }

        @Override
        public double value(String arm, String metric) {
            return Double.NaN;
        }

        @Override
        public long samples(String arm) {
            return 0;
        }

        @Override
        public Duration window() {
            return Duration.ZERO;
        }

        @Override
        public @Nullable Estimate estimate(String arm, String metric) {
            Estimate e = window.estimate(arm, metric);
            return e == null ? null
                    : Estimate.of(e.kind(), Double.NaN, Double.NaN, 0, e.method());
        }

        @Override
        public long assigned(String arm) {
            return 0;
        }
    }
}
