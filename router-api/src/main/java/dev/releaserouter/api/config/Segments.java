package dev.releaserouter.api.config;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A set of values per {@link Dimension}, used for allow lists and deny lists. Immutable.
 *
 * <p>Deny lists: a request whose value for any dimension is in the set is denied. Allow lists: for
 * each dimension whose set is non-empty, the request's value must be in it.
 */
public final class Segments {

    /** No values in any dimension. */
    public static final Segments NONE = new Segments(new EnumMap<>(Dimension.class));

    private final Map<Dimension, Set<String>> values;

    private Segments(EnumMap<Dimension, Set<String>> values) {
        this.values = values;
    }

    /**
     * Segments from a map; empty sets are dropped.
     *
     * @param values values per dimension
     * @return immutable segments
     * @throws ConfigException if a value is null or blank
     */
    public static Segments of(Map<Dimension, ? extends Set<String>> values) {
        EnumMap<Dimension, Set<String>> copy = new EnumMap<>(Dimension.class);
        values.forEach((d, set) -> {
            Objects.requireNonNull(d, "dimension");
            int i = 0;
            for (String v : set) {
                if (v == null || v.isBlank()) {
                    throw new ConfigException("/" + d.jsonName() + "/" + i, v,
                            "must be a non-blank string");
                }
                i++;
            }
            if (!set.isEmpty()) {
                copy.put(d, Set.copyOf(set));
            }
        });
        return copy.isEmpty() ? NONE : new Segments(copy);
    }

    /**
     * A copy with one dimension replaced.
     *
     * @param dimension the dimension
     * @param set the new values; empty to clear the dimension
     * @return new segments
     */
    public Segments with(Dimension dimension, Set<String> set) {
        EnumMap<Dimension, Set<String>> copy = new EnumMap<>(Dimension.class);
        copy.putAll(values);
        copy.put(dimension, set);
        return of(copy);
    }

    /**
     * The values of a dimension.
     *
     * @param dimension the dimension
     * @return immutable set, empty if none
     */
    public Set<String> get(Dimension dimension) {
        return values.getOrDefault(dimension, Set.of());
    }

    /**
     * Whether a value is listed for a dimension.
     *
     * @param dimension the dimension
     * @param value the request's value, may be null
     * @return false for null
     */
    public boolean contains(Dimension dimension, @Nullable String value) {
        return value != null && get(dimension).contains(value);
    }

    /** @return whether no dimension has a value */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** @return immutable view, only dimensions with values */
    public Map<Dimension, Set<String>> asMap() {
        return Map.copyOf(values);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Segments && values.equals(((Segments) o).values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
