package dev.releaserouter.spring;

import dev.releaserouter.core.shadow.ShadowSettings;

/**
 * Callback that adjusts the {@link ShadowSettings.Builder} (pair store, circuit breaker, ticker)
 * after {@code router.shadow.*} was applied and before the router is built. Every bean
 * of this type is called, in {@link org.springframework.core.Ordered} order.
 *
 * <p>Called once, on the thread that creates the router bean; implementations need not be
 * thread-safe.
 */
@FunctionalInterface
public interface ShadowSettingsCustomizer {

    /**
     * Customizes the shadow settings.
     *
     * @param builder the builder; never null
     */
    void customize(ShadowSettings.Builder builder);
}
