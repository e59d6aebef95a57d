package dev.releaserouter.core.shadow.internal;

/**
 * The shadow state of one (model, candidate version): its counters and its circuit breaker,
 * found with one lookup per shadow call. Both parts are thread-safe on their own.
 */
final class Lane {

    final VersionStats stats;
    final CircuitBreaker breaker;

    Lane(VersionStats stats, CircuitBreaker breaker) {
        this.stats = stats;
        this.breaker = breaker;
    }
}
