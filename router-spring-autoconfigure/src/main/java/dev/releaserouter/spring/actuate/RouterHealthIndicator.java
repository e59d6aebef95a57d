package dev.releaserouter.spring.actuate;

import dev.releaserouter.api.ComponentStatus;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.RouterStatus;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code router} health indicator:
 *
 * <ul>
 *   <li>{@code DOWN} when the flag file's watcher stopped ({@code router.status().watcherAlive()}
 *       is false): changes to the file, kill switches included, are no longer applied; the
 *       detail {@code flagWatcherStopped} says so and names the source;
 *   <li>{@code DOWN} when the last reload was refused ({@code router.status().upToDate()} is
 *       false): the router still serves its last good configuration, but the file on disk is not
 *       what runs; the detail {@code flagFileRejected} names the file, JSON pointer and value, or
 *       the unexpected error (such as an {@code OutOfMemoryError}) that stopped the reload;
 *   <li>{@code OUT_OF_SERVICE} when a {@link RolloutController} rolled its candidate back or was
 *       aborted: the model serves only stable until someone looks;
 *   <li>the configured {@code degradedStatus} ({@code router.health.degraded-status}, {@code UP}
 *       by default) when a component the router depends on is not up
 *       ({@code router.status().components()}, e.g. the fleet's Redis): the router still answers
 *       every request from its local state, failing safe; the detail {@code degradedComponents}
 *       names them, and {@code components} shows each one (state, error, its details);
 *   <li>{@code UP} otherwise, with the configuration revision and each rollout's status.
 * </ul>
 *
 * <p>A rollout whose ticks have failed (each failed tick holds the rollout; after its plan's
 * {@code maxFailedTicks} in a row the controller fails safe, and the status is then
 * {@code OUT_OF_SERVICE} as for any rollback) is listed under the detail
 * {@code rolloutTickFailures}: failures in a row ({@code consecutive}, 0 once a tick succeeds
 * again), {@code total}, {@code maxFailedTicks} and the last failure's {@code lastError}.
 *
 * <p>When several apply, the most severe wins: {@code DOWN}, then {@code OUT_OF_SERVICE}, then
 * {@code UP}.
 *
 * <p>Thread-safe: it reads the router's and controllers' thread-safe state on every call.
 */
public class RouterHealthIndicator implements HealthIndicator {

    private final Router router;
    private final Supplier<Stream<RolloutController>> controllers;
    private final Status degradedStatus;

    /**
     * Creates the indicator; a degraded component leaves the status {@code UP} (with details).
     *
     * @param router the router
     * @param controllers the rollout controllers (looked up on every call)
     */
    public RouterHealthIndicator(Router router,
            Supplier<Stream<RolloutController>> controllers) {
        this(router, controllers, Status.UP);
    }

    /**
     * Creates the indicator.
     *
     * @param router the router
     * @param controllers the rollout controllers (looked up on every call)
     * @param degradedStatus the status while a component is not up: {@link Status#UP},
     *     {@link Status#OUT_OF_SERVICE} or {@link Status#DOWN}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if degradedStatus is another status
     */
    public RouterHealthIndicator(Router router,
            Supplier<Stream<RolloutController>> controllers, Status degradedStatus) {
        this.router = Objects.requireNonNull(router, "router");
        this.controllers = Objects.requireNonNull(controllers, "controllers");
        Objects.requireNonNull(degradedStatus, "degradedStatus");
        if (severity(degradedStatus) < 0) {
            throw new IllegalArgumentException("degradedStatus must be UP, OUT_OF_SERVICE or "
                    + "DOWN, but was " + degradedStatus.getCode());
        }
        this.degradedStatus = degradedStatus;
    }

    /** 0 UP, 1 OUT_OF_SERVICE, 2 DOWN; -1 for any other status. */
    private static int severity(Status s) {
        return List.of(Status.UP, Status.OUT_OF_SERVICE, Status.DOWN).indexOf(s);
    }

    /**
     * Reports the router's health.
     *
     * @return the health; never null
     */
    @Override
    public Health health() {
        RouterStatus s = router.status();
        Map<String, Object> rollouts = new LinkedHashMap<>();
        Map<String, Object> tickFailures = new LinkedHashMap<>();
        boolean rolledBack = false;
        for (RolloutController c : (Iterable<RolloutController>) controllers.get()::iterator) {
            RolloutStatus st = c.status();
            rolledBack |= st == RolloutStatus.ROLLED_BACK || st == RolloutStatus.ABORTED;
            rollouts.put(c.plan().model(), st.name().toLowerCase(Locale.ROOT));
            if (c.tickFailures() > 0) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("consecutive", c.consecutiveTickFailures());
                f.put("total", c.tickFailures());
                f.put("maxFailedTicks", c.plan().maxFailedTicks());
                c.lastTickError().ifPresent(e -> f.put("lastError", e));
                tickFailures.put(c.plan().model(), f);
            }
        }
        Health.Builder b;
        ConfigException rejected = s.lastReloadError();
        if (!s.upToDate()) {
            b = Health.down();
            if (!s.watcherAlive()) {
                b.withDetail("flagWatcherStopped", "the watcher of " + s.source()
                        + " stopped: changes to it, kill switches included, are no longer"
                        + " applied; restart the application");
            }
            if (rejected != null) {
                b.withDetail("flagFileRejected", String.valueOf(rejected.getMessage()));
            }
        } else {
            Status status = rolledBack ? Status.OUT_OF_SERVICE : Status.UP;
            if (!s.degradedComponents().isEmpty()
                    && severity(degradedStatus) > severity(status)) {
                status = degradedStatus;
            }
            b = Health.status(status);
        }
        b.withDetail("configRevision", s.configRevision()).withDetail("source", s.source())
                .withDetail("watcherAlive", s.watcherAlive());
        if (!rollouts.isEmpty()) {
            b.withDetail("rollouts", rollouts);
        }
        if (!tickFailures.isEmpty()) {
            b.withDetail("rolloutTickFailures", tickFailures);
        }
        if (!s.components().isEmpty()) {
            Map<String, Object> components = new LinkedHashMap<>();
            s.components().forEach((name, c) -> components.put(name, component(c)));
            b.withDetail("components", components);
            if (!s.degradedComponents().isEmpty()) {
                b.withDetail("degradedComponents", s.degradedComponents());
            }
        }
        return b.build();
    }

    private static Map<String, Object> component(ComponentStatus c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", c.state().name());
        if (c.error() != null) {
            out.put("error", c.error());
        }
        out.putAll(c.details());
        return out;
    }
}
