package dev.releaserouter.spring.actuate;

import dev.releaserouter.api.Router;
import dev.releaserouter.api.RouterStatus;
import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutStatus;
import java.util.LinkedHashMap;
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
 *   <li>{@code UP} otherwise, with the configuration revision and each rollout's status.
 * </ul>
 *
 * <p>Thread-safe: it reads the router's and controllers' thread-safe state on every call.
 */
public class RouterHealthIndicator implements HealthIndicator {

    private final Router router;
    private final Supplier<Stream<RolloutController>> controllers;

    /**
     * Creates the indicator.
     *
     * @param router the router
     * @param controllers the rollout controllers (looked up on every call)
     */
    public RouterHealthIndicator(Router router,
            Supplier<Stream<RolloutController>> controllers) {
        this.router = Objects.requireNonNull(router, "router");
        this.controllers = Objects.requireNonNull(controllers, "controllers");
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
        boolean rolledBack = false;
        for (RolloutController c : (Iterable<RolloutController>) controllers.get()::iterator) {
            RolloutStatus st = c.status();
            rolledBack |= st == RolloutStatus.ROLLED_BACK || st == RolloutStatus.ABORTED;
            rollouts.put(c.plan().model(), st.name().toLowerCase(Locale.ROOT));
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
        } else if (rolledBack) {
            b = Health.status(Status.OUT_OF_SERVICE);
        } else {
            b = Health.up();
        }
        b.withDetail("configRevision", s.configRevision()).withDetail("source", s.source())
                .withDetail("watcherAlive", s.watcherAlive());
        if (!rollouts.isEmpty()) {
            b.withDetail("rollouts", rollouts);
        }
        return b.build();
    }
}
