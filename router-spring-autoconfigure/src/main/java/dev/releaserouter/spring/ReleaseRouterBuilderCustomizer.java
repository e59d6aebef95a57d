package dev.releaserouter.spring;

import dev.releaserouter.core.ReleaseRouter;

/**
 * Callback that adjusts the {@link ReleaseRouter.Builder} before the auto-configured router is
 * built, after the properties were applied: every bean of this type is called, in
 * {@link org.springframework.core.Ordered} order, so a customizer's settings win over the
 * properties.
 *
 * <p>Called once, on the thread that creates the router bean; implementations need not be
 * thread-safe.
 */
@FunctionalInterface
public interface ReleaseRouterBuilderCustomizer {

    /**
     * Customizes the builder.
     *
     * @param builder the builder; never null
     */
    void customize(ReleaseRouter.Builder builder);
}
