package dev.releaserouter.core;

import java.util.Collection;

/**
 * An immutable set of strings for the decision's membership tests (deny and allow lists, kill
 * lists), built once per snapshot.
 *
 * <p>Why not the configuration's own set: {@code Set.copyOf} makes a JDK {@code SetN}, an open
 * addressing table that probes linearly from {@code String.hashCode()} and dereferences every
 * element it passes to compare it. Lists such as {@code vip-tenant-0 ... vip-tenant-999999} have
 * consecutive hash codes, so they fill long runs of the table, and a tenant that is not in the
 * list but hashes into a run walks it: {@code decide} took 300 ns with 1,000,000 denied tenants
 * against 57 ns with 100,000 (docs/benchmarks.md). Here the hash code is mixed (murmur3's
 * finalizer), the load factor is at most 1/2, and the mixed hashes sit in their own array, so a
 * probe compares an int and dereferences a string only when the hashes are equal.
 *
 * <p>Immutable and thread-safe once built (final arrays, published through the snapshot's
 * final fields). {@link #contains} never allocates. Design: the recent-tables memory of
 * {@link #of} is one small deque under its own monitor, used only while a snapshot is compiled
 * (never by {@code decide}).
 */
final class StringTable {

    private static final StringTable EMPTY = new StringTable(new int[1], new String[1], 0);

    private final int[] hashes;
    private final String[] keys;
    private final int mask;
    private final int size;

    private StringTable(int[] hashes, String[] keys, int size) {
        this.hashes = hashes;
        this.keys = keys;
        this.mask = keys.length - 1;
        this.size = size;
    }

    /** Lists at least this long are remembered by identity (building one costs milliseconds). */
    static final int REMEMBERED_SIZE = 1_000;
    private static final int REMEMBERED = 32;
    /** Guarded by itself: recent large lists and their tables, most recent last. */
    private static final java.util.ArrayDeque<Remembered> RECENT = new java.util.ArrayDeque<>();

    /** A large list (held weakly: the configuration holds it while it is in use) and its table. */
    private record Remembered(java.lang.ref.WeakReference<Collection<String>> list,
            StringTable table) {}

    /**
     * A table of the given strings. A large collection that was compiled recently (the same
     * object: configurations are immutable, and a kill switch or a weight change keeps the
     * model's lists) gets the same table back, so a snapshot swap does not rebuild a million
     * entries for a change that does not touch them.
     *
     * @param values the strings, none null (duplicates are kept once)
     * @return the table; an empty one for an empty collection
     */
    static StringTable of(Collection<String> values) {
        if (values.size() < REMEMBERED_SIZE) {
            return build(values);
        }
        synchronized (RECENT) {
            for (Remembered r : RECENT) {
                if (r.list().get() == values) {
                    return r.table();
                }
            }
        }
        StringTable table = build(values);
        synchronized (RECENT) {
            RECENT.removeIf(r -> r.list().get() == null);
            RECENT.addLast(new Remembered(new java.lang.ref.WeakReference<>(values), table));
            while (RECENT.size() > REMEMBERED) {
                RECENT.removeFirst();
            }
        }
        return table;
    }

    private static StringTable build(Collection<String> values) {
        if (values.isEmpty()) {
            return EMPTY;
        }
        // Capacity: a power of two at least twice the size (load factor <= 1/2).
        int capacity = Integer.highestOneBit(Math.max(2, values.size()) - 1) << 2;
        if (capacity <= 0 || capacity > 1 << 30) {
            capacity = 1 << 30;
        }
        int[] hashes = new int[capacity];
        String[] keys = new String[capacity];
        int mask = capacity - 1;
        int size = 0;
        for (String v : values) {
            int h = mix(v.hashCode());
            int i = h & mask;
            while (keys[i] != null && !(hashes[i] == h && keys[i].equals(v))) {
                i = (i + 1) & mask;
            }
            if (keys[i] == null) {
                keys[i] = v;
                hashes[i] = h;
                size++;
            }
        }
        return new StringTable(hashes, keys, size);
    }

    /**
     * Whether the table holds the string.
     *
     * @param value a string, or null (never contained)
     * @return true if it is in the table
     */
    boolean contains(@org.jspecify.annotations.Nullable String value) {
        if (value == null || size == 0) {
            return false;
        }
        int h = mix(value.hashCode());
        int i = h & mask;
        while (true) {
            String k = keys[i];
            if (k == null) {
                return false;
            }
            if (hashes[i] == h && k.equals(value)) {
                return true;
            }
            i = (i + 1) & mask;
        }
    }

    /** How many strings the table holds. */
    int size() {
        return size;
    }

    /** murmur3's 32-bit finalizer: spreads consecutive hash codes over the whole table. */
    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
