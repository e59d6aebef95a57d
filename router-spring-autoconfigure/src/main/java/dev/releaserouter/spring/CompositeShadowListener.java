package dev.releaserouter.spring;

import dev.releaserouter.api.shadow.FallbackCause;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.api.shadow.ShadowOutcome;
import dev.releaserouter.core.shadow.ShadowListener;
import java.util.List;

/** Fans shadow events out to several listeners. Immutable; as thread-safe as its listeners. */
final class CompositeShadowListener implements ShadowListener {

    private final List<ShadowListener> listeners;

    CompositeShadowListener(List<ShadowListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void disposition(String model, String version, ShadowDisposition disposition) {
        for (ShadowListener l : listeners) {
            l.disposition(model, version, disposition);
        }
    }

    @Override
    public void outcome(String model, String version, ShadowOutcome outcome, long stableNanos,
            long candidateNanos) {
        for (ShadowListener l : listeners) {
            l.outcome(model, version, outcome, stableNanos, candidateNanos);
        }
    }

    @Override
    public void comparison(String model, String version, boolean match, double delta) {
        for (ShadowListener l : listeners) {
            l.comparison(model, version, match, delta);
        }
    }

    @Override
    public void fallback(String model, String version, FallbackCause cause) {
        for (ShadowListener l : listeners) {
            l.fallback(model, version, cause);
        }
    }
}
