package dev.releaserouter.governance;

import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.rollout.ChangeType;
import dev.releaserouter.rollout.RolloutAction;
import dev.releaserouter.rollout.RolloutController;
import dev.releaserouter.rollout.RolloutDecision;
import dev.releaserouter.rollout.RolloutListener;
import dev.releaserouter.rollout.RolloutStatus;
import dev.releaserouter.rollout.gates.GateVerdict;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Promotes a rollout's candidate in the registry when the rollout ends PROMOTED (seed 003:
 * {@code promote_model} after the last stage; seed 004 §2 step 4, "Approved -> Production:
 * update the alias"): the alias ({@code production} unless told) moves to the candidate through
 * {@link ReleaseGovernance#setAlias} as a {@link ChangeType#STANDARD} change (seed 004 §3: an
 * alias switch to a version already Approved), so the registry, the audit trail
 * ({@code alias.set}) and, for the router alias, the router's stable version follow.
 *
 * <pre>{@code
 * RolloutController rollout = Rollouts.start(admin, plan);
 * rollout.addListener(RegistryPromotion.of(governance));
 * }</pre>
 *
 * <p>Dry-run decisions move nothing. A refusal (the candidate is not Approved, a freeze window is
 * in force) or any other failure is contained: counted in {@link #failures()}, kept in
 * {@link #lastFailure()} and logged; the rollout stays PROMOTED and a person moves the alias.
 *
 * <p>Thread-safe: called by the controller under its lock; {@code setAlias} takes the
 * governance's own lock (governance never calls a controller, so the two locks are always taken
 * in this order). Counters are atomic.
 */
public final class RegistryPromotion implements RolloutListener {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryPromotion.class);

    /** The alias moved unless {@link #of(ReleaseGovernance, String)} says. */
    public static final String DEFAULT_ALIAS = "production";

    private final ReleaseGovernance governance;
    private final String alias;
    private final AtomicLong promotions = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile @Nullable String lastFailure;

    private RegistryPromotion(ReleaseGovernance governance, String alias) {
        this.governance = Objects.requireNonNull(governance, "governance");
        this.alias = ReleaseGovernance.requireText(alias, "alias");
    }

    /**
     * A listener that moves the {@value #DEFAULT_ALIAS} alias.
     *
     * @param governance the governance of the registry
     * @return the listener, to add with {@link RolloutController#addListener}
     * @throws NullPointerException if governance is null
     */
    public static RegistryPromotion of(ReleaseGovernance governance) {
        return new RegistryPromotion(governance, DEFAULT_ALIAS);
    }

    /**
     * A listener that moves the given alias.
     *
     * @param governance the governance of the registry
     * @param alias the alias to move to a promoted candidate
     * @return the listener
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if alias is blank
     */
    public static RegistryPromotion of(ReleaseGovernance governance, String alias) {
        return new RegistryPromotion(governance, alias);
    }

    /**
     * Moves the alias when the decision made the rollout PROMOTED (the last checkpoint's
     * PROCEED, or a manual promotion); ignores every other decision. Never throws.
     *
     * @param decision the decision
     * @param verdict the verdict behind it, unused
     */
    @Override
    public void onDecision(RolloutDecision decision, @Nullable GateVerdict verdict) {
        if (decision.status() != RolloutStatus.PROMOTED || decision.dryRun()
                || (decision.action() != RolloutAction.PROCEED
                        && decision.action() != RolloutAction.PROMOTE)) {
            return;
        }
        try {
            governance.setAlias(decision.model(), alias, decision.candidate(),
                    ChangeType.STANDARD, ChangeContext.of(decision.actor(), "rollout of "
                            + decision.model() + " " + decision.candidate() + " PROMOTED ("
                            + decision.action() + " at " + decision.time() + "): alias '"
                            + alias + "' follows"));
            promotions.incrementAndGet();
            LOG.info("rollout_registry_promotion model={} version={} alias={}",
                    decision.model(), decision.candidate(), alias);
        } catch (Throwable t) {
            // Governance refused or failed: contained (team policy), counted and kept.
            failures.incrementAndGet();
            lastFailure = t.toString();
            LOG.warn("Release Router: the rollout of {} {} is PROMOTED but alias '{}' could not "
                    + "be moved to it: {}", decision.model(), decision.candidate(), alias,
                    t.toString());
        }
    }

    /** @return the alias this listener moves */
    public String alias() {
        return alias;
    }

    /** @return how many times the alias was moved to a promoted candidate */
    public long promotions() {
        return promotions.get();
    }

    /** @return how many promotions could not move the alias */
    public long failures() {
        return failures.get();
    }

    /** @return the last failure ({@code Throwable.toString()}), empty if none */
    public Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }
}
