package dev.releaserouter.spring;

/**
 * The bean that stands for the startup check of {@code router.*} keys
 * ({@code router.unknown-properties}): define a bean of this type to skip the check.
 *
 * <p>Immutable and thread-safe; it holds nothing.
 */
public final class RouterPropertiesCheck {

    /** Created by the auto-configuration once the check has run. */
    public RouterPropertiesCheck() {
    }
}
