package dev.releaserouter.governance.notify;

import dev.releaserouter.api.notify.Notification;
import dev.releaserouter.api.notify.Notifier;
import dev.releaserouter.rollout.RolloutAction;
import dev.releaserouter.rollout.RolloutDecision;
import dev.releaserouter.rollout.RolloutListener;
import dev.releaserouter.rollout.gates.GateVerdict;
import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RolloutListener} that sends each rollout decision to a {@link Notifier} (seed 004 §8:
 * "durante" and {@code rollback} events): a {@link RolloutAction#ROLLBACK} as a
 * {@link Notification.Type#ROLLBACK}, every other action as a
 * {@link Notification.Type#ROLLOUT_DECISION}. Register it with
 * {@code controller.addListener(RolloutNotifications.of(notifier))}.
 *
 * <p>The notification's actor is the decision's actor, its reason the decision's reasons joined
 * with "; " (or the action when there are none), its time the decision's time; details:
 * {@code action}, {@code status}, {@code stage} (1-based), {@code candidate_percent},
 * {@code policy_digest}, {@code dry_run}.
 *
 * <p>Thread-safe and stateless: it only builds the notification and calls the notifier, which
 * must not block (see {@link Notifier}); what the notifier throws is counted by the controller
 * in its listener failures.
 */
public final class RolloutNotifications implements RolloutListener {

    private final Notifier notifier;
    private final Set<RolloutAction> actions;

    private RolloutNotifications(Notifier notifier, Set<RolloutAction> actions) {
        this.notifier = Objects.requireNonNull(notifier, "notifier");
        this.actions = actions.isEmpty() ? EnumSet.noneOf(RolloutAction.class)
                : EnumSet.copyOf(actions);
    }

    /**
     * @param notifier where the notifications go
     * @return a listener that notifies every decision
     * @throws NullPointerException if notifier is null
     */
    public static RolloutNotifications of(Notifier notifier) {
        return new RolloutNotifications(notifier, EnumSet.allOf(RolloutAction.class));
    }

    /**
     * @param notifier where the notifications go
     * @param actions the actions to notify, e.g. without {@link RolloutAction#HOLD} to leave
     *     out the checkpoints that change nothing; copied
     * @return a listener that notifies only those actions
     * @throws NullPointerException if an argument is null
     */
    public static RolloutNotifications of(Notifier notifier, Set<RolloutAction> actions) {
        return new RolloutNotifications(notifier, Objects.requireNonNull(actions, "actions"));
    }

    /**
     * @param decision the decision just recorded
     * @param verdict the verdict behind it, or null; not sent (the decision's reasons say it)
     */
    @Override
    public void onDecision(RolloutDecision decision, @Nullable GateVerdict verdict) {
        if (!actions.contains(decision.action())) {
            return;
        }
        notifier.send(notification(decision));
    }

    /**
     * @param d a rollout decision
     * @return the notification for it, as described on the class
     */
    static Notification notification(RolloutDecision d) {
        Notification.Type type = d.action() == RolloutAction.ROLLBACK
                ? Notification.Type.ROLLBACK : Notification.Type.ROLLOUT_DECISION;
        String reason = d.reasons().isEmpty() ? d.action().name().toLowerCase(Locale.ROOT)
                : String.join("; ", d.reasons());
        return Notification.builder(type, d.model())
                .version(d.candidate())
                .change(d.actor(), reason, null)
                .time(d.time())
                .detail("action", d.action().name().toLowerCase(Locale.ROOT))
                .detail("status", d.status().name().toLowerCase(Locale.ROOT))
                .detail("stage", Integer.toString(d.stageIndex() + 1))
                .detail("candidate_percent", percent(d.stageBasisPoints()))
                .detail("policy_digest", d.policyDigest())
                .detail("dry_run", Boolean.toString(d.dryRun()))
                .build();
    }

    private static String percent(int basisPoints) {
        return basisPoints % 100 == 0 ? Integer.toString(basisPoints / 100)
                : new BigDecimal(basisPoints).movePointLeft(2).toPlainString();
    }
}
