package dev.releaserouter.spring;

import org.jspecify.annotations.Nullable;

/**
 * A {@code router.*} property has a value the router refuses; it fails startup, and
 * {@link RouterFailureAnalyzer} turns it into a message naming the property and the value.
 *
 * <p>Immutable and thread-safe.
 */
public final class RouterPropertyException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String property;
    private final @Nullable String value;

    /**
     * Creates the exception.
     *
     * @param property the property's full name, e.g. {@code router.hash-secret}
     * @param value the refused value as text (secrets must be masked by the caller), or null
     * @param problem what is wrong, as a sentence fragment
     * @param cause the router's exception, or null
     */
    public RouterPropertyException(String property, @Nullable String value, String problem,
            @Nullable Throwable cause) {
        super(property + ": " + problem
                + (value != null && !problem.contains("but was") ? ", but was " + value : ""),
                cause);
        this.property = property;
        this.value = value;
    }

    /**
     * The property's full name.
     *
     * @return e.g. {@code router.shadow.threads}; never null
     */
    public String property() {
        return property;
    }

    /**
     * The refused value.
     *
     * @return the value as text (a secret is masked), or null
     */
    public @Nullable String value() {
        return value;
    }
}
