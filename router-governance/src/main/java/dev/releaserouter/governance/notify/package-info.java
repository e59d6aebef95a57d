/**
 * Delivery of release notifications (seed 004 §8): {@link
 * dev.releaserouter.governance.notify.WebhookNotifier}, an HTTP webhook implementation of
 * {@link dev.releaserouter.api.notify.Notifier} (JSON body, optional HMAC signature, retries with
 * backoff, a bounded queue, never blocking the caller), and {@link
 * dev.releaserouter.governance.notify.RolloutNotifications}, which turns rollout decisions into
 * notifications. Governance lifecycle events are sent by {@code ReleaseGovernance} when it is
 * built with a notifier. See {@code docs/notifications.md}.
 */
@NullMarked
package dev.releaserouter.governance.notify;

import org.jspecify.annotations.NullMarked;
