package dev.releaserouter.api.spi;

import java.util.Objects;

/**
 * The runtime overrides (kill switches, weights, stages, budgets, segment changes) at one
 * revision of an {@link OverrideStore}. Immutable.
 *
 * <p>The content is the router's own text (JSON); a store keeps it verbatim and never parses
 * it. Revision 0 with the content {@link #EMPTY_CONTENT} is the document of a store that was
 * never written.
 *
 * @param revision the store's revision of this content: 0 for the empty document, then
 *     strictly increasing with every successful write (across every instance of a fleet)
 * @param content the overrides as the router serialized them
 */
public record OverrideDocument(long revision, String content) {

    /** The content of a store that was never written: no overrides. */
    public static final String EMPTY_CONTENT = "{}";

    /** The document of a store that was never written. */
    public static final OverrideDocument EMPTY = new OverrideDocument(0, EMPTY_CONTENT);

    /**
     * @throws IllegalArgumentException if revision is negative
     * @throws NullPointerException if content is null
     */
    public OverrideDocument {
        if (revision < 0) {
            throw new IllegalArgumentException("revision must not be negative, but was "
                    + revision);
        }
        Objects.requireNonNull(content, "content");
    }
}
