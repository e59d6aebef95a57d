package dev.releaserouter.api.shadow;

/**
 * Removes PII before a shadow pair is stored: renders inputs and outputs as masked JSON and
 * replaces the entity key by a keyed hash. Implementations must be thread-safe; they run on
 * shadow worker threads. The built-in one is {@code dev.releaserouter.replay.masking.Masker}.
 */
public interface PairMasker {

    /**
     * @param value an input or output (any Jackson-serializable object)
     * @return its masked JSON text; never the raw value
     */
    String maskValue(Object value);

    /**
     * @param entityKey the raw entity key
     * @return a keyed hash of it (hex)
     */
    String hashEntityKey(String entityKey);
}
