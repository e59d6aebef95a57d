package dev.releaserouter.rollout;

import java.util.Locale;
import java.util.Objects;

/**
 * The kind of a change (ITIL-like). Every promotion is a controlled change with a change ticket
 * that states its scope, risks, impact, window, steps, backout plan, validation after the change
 * and the people responsible. In a release manifest it is the {@code change_type} field, written
 * in lowercase ({@code "standard"}, {@code "normal"}, {@code "emergency"}).
 *
 * <p>Immutable and thread-safe.
 */
public enum ChangeType {

    /**
     * Small, repeatable, low risk; for example moving an alias to a version that is already
     * Approved.
     */
    STANDARD,

    /** Needs an assessment and a change advisory board (product, security, operations). */
    NORMAL,

    /**
     * High risk or impact that cannot wait: a priority rollback or an immediate revocation. May
     * run outside a change window only with an executive approver and a short-lived waiver.
     */
    EMERGENCY;

    /**
     * The name in a release manifest.
     *
     * @return the constant's name in lowercase, e.g. {@code "normal"}
     */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The change type with the given name, ignoring case.
     *
     * @param name e.g. {@code "normal"} or {@code "EMERGENCY"}
     * @return the change type
     * @throws IllegalArgumentException if the name is none of the three, naming the value and
     *     the allowed names
     * @throws NullPointerException if name is null
     */
    public static ChangeType of(String name) {
        Objects.requireNonNull(name, "name");
        for (ChangeType t : values()) {
            if (t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("change type must be one of standard, normal,"
                + " emergency, but was '" + name + "'");
    }
}
