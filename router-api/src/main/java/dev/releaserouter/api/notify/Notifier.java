package dev.releaserouter.api.notify;

/**
 * Where release notifications go: a chat channel, an incident tool, a webhook. Release
 * governance calls it once per lifecycle transition (register, stage change, approval,
 * promotion, alias change, rollback, revocation, manifest mismatch, release publication) and
 * the rollout adapter once per rollout decision.
 *
 * <p><b>Contract.</b> {@link #send} must return quickly and never block on I/O: callers hold
 * locks (governance's monitor, the rollout controller's lock) while they call it. An
 * implementation that talks to a remote system queues the notification and delivers it from its
 * own thread, as {@code WebhookNotifier} does. Implementations must be thread-safe. Whatever
 * {@code send} throws is caught and counted by the caller (only fatal VM errors pass), so a
 * notifier can never stop a release step; but it should not throw.
 */
@FunctionalInterface
public interface Notifier {

    /**
     * Hands over one notification for delivery.
     *
     * @param notification the event; never null
     */
    void send(Notification notification);

    /**
     * A notifier that drops everything: the default where none is configured.
     *
     * @return a notifier that does nothing; thread-safe
     */
    static Notifier none() {
        return n -> { };
    }
}
