package dev.releaserouter.api.admin;

import dev.releaserouter.api.Router;
import dev.releaserouter.api.Stage;
import dev.releaserouter.api.config.Dimension;
import dev.releaserouter.api.config.ExposureBudget;
import dev.releaserouter.api.config.RouterConfig;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Changes a live router. Every method needs a {@link ChangeContext} (actor and reason), writes an
 * audit entry durably and then swaps in a new snapshot: the change applies to every
 * {@code decide} that starts after the method returns.
 *
 * <p>Changes made here are <em>overrides</em> on top of the flag source's configuration: they stay
 * in force across flag-file reloads until they are undone here. Thread-safe; changes are
 * serialized. Not intended for external implementation.
 *
 * <p>The capability to change routing, kept apart from the {@link Router} that evaluates it: hand
 * the {@link #router()} to request code, and keep this object where changes are made (an
 * operators' endpoint, the rollout controller, release governance). Whoever builds a router
 * receives its admin (e.g. {@code ReleaseRouter.builder()...buildWithAdmin()} in router-core); a
 * holder of the {@code Router} alone cannot reach it, neither through a method nor by a cast.
 *
 * <p>Every method throws {@link IllegalArgumentException} for an unknown model or version,
 * {@link dev.releaserouter.api.config.ConfigException} if the change would make the configuration
 * invalid (nothing is changed then), and {@link java.io.UncheckedIOException} if the audit entry
 * cannot be written (nothing is changed then either).
 */
public interface RouterAdmin {

    /**
     * The router this administers: the read side, whose {@code decide} sees every change made
     * here once the change's method returned. Closing it ({@code admin.router().close()}) ends
     * the router; changes made here afterwards throw {@link IllegalStateException}.
     *
     * @return the administered router; always the same instance, never null
     */
    Router router();

    /**
     * Sets a candidate's weight.
     *
     * @param model the model
     * @param version a candidate version
     * @param basisPoints 0 to 10000 (500 = 5%)
     * @param change who and why
     */
    void setWeight(String model, String version, int basisPoints, ChangeContext change);

    /**
     * Sets a candidate's weight in the segment of one targeting rule (see
     * {@code ModelConfig.targeting()}); the model's own weights and the other rules are
     * unchanged. Audited like {@link #setWeight} (action {@code rule.weight.set}, target
     * {@code <model>/targeting/<rule>/<version>}), and an override like it: it survives reloads
     * of the flag source while the rule is there, until {@link #clearOverrides}.
     *
     * <p>The default implementation throws {@link UnsupportedOperationException}: an admin that
     * predates targeting rules cannot change them.
     *
     * @param model the model
     * @param rule the id of one of the model's targeting rules
     * @param version a candidate version
     * @param basisPoints 0 to 10000 (500 = 5%), within the candidate's reserve
     * @param change who and why
     * @throws IllegalArgumentException if the model, rule or version is unknown, or the version
     *     is the stable one
     * @throws dev.releaserouter.api.config.ConfigException if the rule's candidate weights would
     *     exceed 100% or the weight its candidate's reserve (nothing is changed then)
     * @throws UnsupportedOperationException if this admin cannot change targeting rules
     */
    default void setRuleWeight(String model, String rule, String version, int basisPoints,
            ChangeContext change) {
        throw new UnsupportedOperationException("this RouterAdmin (" + getClass().getName()
                + ") cannot change targeting rules");
    }

    /**
     * Turns a kill switch on: matching requests go to stable at once.
     *
     * @param target what to kill
     * @param change who and why
     */
    void kill(KillTarget target, ChangeContext change);

    /**
     * Turns a kill switch off. A kill switch set in the flag file stays on; this only removes the
     * override.
     *
     * @param target what to revive
     * @param change who and why
     */
    void unkill(KillTarget target, ChangeContext change);

    /**
     * Sets a version's registry stage. {@link Stage#REVOKED} takes effect at once.
     *
     * @param model the model
     * @param version the version
     * @param stage the new stage
     * @param change who and why
     */
    void setStage(String model, String version, Stage stage, ChangeContext change);

    /**
     * Makes a version the model's stable version (what an alias such as {@code production}
     * points at), in one snapshot swap. The previous stable version becomes a candidate at weight
     * 0, so no traffic moves to it until a weight is set; a shadow configuration of the new
     * stable version is dropped (its dark launch is over). Survives reloads of the flag source
     * until {@link #clearOverrides}.
     *
     * @param model the model
     * @param version the new stable version: one of the model's versions, Approved, not killed
     *     and without an exposure budget
     * @param change who and why
     * @throws IllegalArgumentException if the model or version is unknown
     * @throws dev.releaserouter.api.config.ConfigException if the version cannot be stable (not
     *     Approved, killed, or with a budget)
     */
    void setStable(String model, String version, ChangeContext change);

    /**
     * Adds a value to a model's deny list.
     *
     * @param model the model
     * @param dimension tenant, region, channel or product
     * @param value the value to deny
     * @param change who and why
     */
    void deny(String model, Dimension dimension, String value, ChangeContext change);

    /**
     * Removes a value that was denied through {@link #deny}.
     *
     * @param model the model
     * @param dimension the dimension
     * @param value the value
     * @param change who and why
     */
    void undeny(String model, Dimension dimension, String value, ChangeContext change);

    /**
     * Replaces a model's allow list for one dimension.
     *
     * @param model the model
     * @param dimension the dimension
     * @param values the allowed values; empty to allow everything
     * @param change who and why
     */
    void setAllowList(String model, Dimension dimension, Set<String> values, ChangeContext change);

    /**
     * Sets or removes a candidate's exposure budget. What was consumed so far still counts.
     *
     * @param model the model
     * @param version a candidate version
     * @param budget the budget, or null for none
     * @param change who and why
     */
    void setBudget(String model, String version, @Nullable ExposureBudget budget,
            ChangeContext change);

    /**
     * Forgets what a candidate's budget has consumed so far.
     *
     * @param model the model
     * @param version a candidate version
     * @param change who and why
     */
    void resetBudget(String model, String version, ChangeContext change);

    /**
     * Drops every override of a model (weights, kills, stages, lists, budgets), going back to the
     * flag source's configuration.
     *
     * @param model the model
     * @param change who and why
     */
    void clearOverrides(String model, ChangeContext change);

    /**
     * Replaces the base configuration, as a programmatic flag source would. Overrides stay.
     *
     * @param config the new base configuration
     * @param change who and why
     */
    void applyConfig(RouterConfig config, ChangeContext change);

    /**
     * The first hook of a type registered on the router this administers, e.g. the
     * {@code ArmMeasurements} a rollout reads ({@code Rollouts.start} uses it). On the admin
     * side only: a holder of the {@code Router} cannot reach the hooks.
     *
     * @param type the hook's type
     * @param <T> the type
     * @return the hook, or empty if none of that type is registered (the default)
     * @throws NullPointerException if type is null
     */
    default <T> Optional<T> hook(Class<T> type) {
        return Optional.empty();
    }

    /**
     * @return the clock of the router this administers (budgets, audit timestamps); the
     *     default is the UTC system clock
     */
    default Clock clock() {
        return Clock.systemUTC();
    }
}
