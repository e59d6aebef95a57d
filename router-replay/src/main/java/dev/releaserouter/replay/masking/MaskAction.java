package dev.releaserouter.replay.masking;

import org.jspecify.annotations.Nullable;

/** What a field rule does to a value, from the least to the most protective. */
enum MaskAction {
    /** Replace each scalar by its keyed hash. */
    HASH,
    /** Replace the value by {@code "[REDACTED]"}. */
    REDACT,
    /** Remove the member (an array element becomes null, so positions are kept). */
    DROP;

    /**
     * @param a an action, or null for none
     * @param b an action, or null for none
     * @return the more protective of the two, or null if both are null
     */
    public static @Nullable MaskAction strongest(@Nullable MaskAction a, @Nullable MaskAction b) {
        if (a == null) {
            return b;
        }
        return b == null || a.compareTo(b) >= 0 ? a : b;
    }
}
