package dev.releaserouter.api.config;

import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Kill switches: what is sent to the stable version at once, whatever the weights say.
 *
 * <p>At model level, {@code all} kills the model's candidates, {@code versions} kills named
 * candidates, {@code tenants} and {@code channels} keep those segments on stable. At router level
 * (global), the same fields apply to every model ({@code versions} must be empty there).
 * Immutable.
 */
public final class KillSwitches {

    /** Nothing is killed. */
    public static final KillSwitches NONE = new KillSwitches(false, Set.of(), Set.of(), Set.of());

    private final boolean all;
    private final Set<String> versions;
    private final Set<String> tenants;
    private final Set<String> channels;

    private KillSwitches(
            boolean all, Set<String> versions, Set<String> tenants, Set<String> channels) {
        this.all = all;
        this.versions = versions;
        this.tenants = tenants;
        this.channels = channels;
    }

    /**
     * Creates kill switches.
     *
     * @param all whether everything in scope is killed
     * @param versions killed version ids
     * @param tenants killed tenants
     * @param channels killed channels
     * @return kill switches
     * @throws ConfigException if a value is null or blank
     */
    public static KillSwitches of(
            boolean all, Set<String> versions, Set<String> tenants, Set<String> channels) {
        check("/versions", versions);
        check("/tenants", tenants);
        check("/channels", channels);
        if (!all && versions.isEmpty() && tenants.isEmpty() && channels.isEmpty()) {
            return NONE;
        }
        return new KillSwitches(all, Set.copyOf(versions), Set.copyOf(tenants),
                Set.copyOf(channels));
    }

    private static void check(String pointer, Set<String> values) {
        Objects.requireNonNull(values, pointer);
        int i = 0;
        for (String v : values) {
            if (v == null || v.isBlank()) {
                throw new ConfigException(pointer + "/" + i, v, "must be a non-blank string");
            }
            i++;
        }
    }

    /** @return whether everything in scope is killed */
    public boolean all() {
        return all;
    }

    /** @return killed version ids, immutable */
    public Set<String> versions() {
        return versions;
    }

    /** @return killed tenants, immutable */
    public Set<String> tenants() {
        return tenants;
    }

    /** @return killed channels, immutable */
    public Set<String> channels() {
        return channels;
    }

    /** @return whether nothing is killed */
    public boolean isEmpty() {
        return this.equals(NONE);
    }

    /**
     * A copy with {@code all} set.
     *
     * @param value the new value
     * @return new kill switches
     */
    public KillSwitches withAll(boolean value) {
        return of(value, versions, tenants, channels);
    }

    /**
     * A copy with a value added to or removed from one of the sets.
     *
     * @param field one of {@code versions}, {@code tenants}, {@code channels}
     * @param value the value
     * @param killed true to add, false to remove
     * @return new kill switches
     * @throws IllegalArgumentException if the field is unknown
     */
    public KillSwitches with(String field, String value, boolean killed) {
        switch (field) {
            case "versions":
                return of(all, toggle(versions, value, killed), tenants, channels);
            case "tenants":
                return of(all, versions, toggle(tenants, value, killed), channels);
            case "channels":
                return of(all, versions, tenants, toggle(channels, value, killed));
            default:
                throw new IllegalArgumentException("unknown kill switch field " + field);
        }
    }

    private static Set<String> toggle(Set<String> set, String value, boolean add) {
        java.util.HashSet<String> copy = new java.util.HashSet<>(set);
        if (add) {
            copy.add(value);
        } else {
            copy.remove(value);
        }
        return copy;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof KillSwitches)) {
            return false;
        }
        KillSwitches k = (KillSwitches) o;
        return all == k.all && versions.equals(k.versions) && tenants.equals(k.tenants)
                && channels.equals(k.channels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(all, versions, tenants, channels);
    }

    @Override
    public String toString() {
        return "KillSwitches{all=" + all + ", versions=" + versions + ", tenants=" + tenants
                + ", channels=" + channels + "}";
    }
}
