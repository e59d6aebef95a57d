/**
 * Notifications of release events (seed 004 §8: "eventos promotion, alias_update, rollback,
 * revocation com correlação ao CHG-ID"): the {@link dev.releaserouter.api.notify.Notifier} SPI
 * and the {@link dev.releaserouter.api.notify.Notification} value it is given. Release
 * governance and the rollout controller send them; router-governance ships an HTTP webhook
 * implementation ({@code dev.releaserouter.governance.notify.WebhookNotifier}). See
 * {@code docs/notifications.md}.
 */
@NullMarked
package dev.releaserouter.api.notify;

import org.jspecify.annotations.NullMarked;
