package dev.releaserouter.governance;

import java.util.List;
import java.util.Objects;

/**
 * A named pointer to a model version (e.g. {@code production}) and the versions it pointed at
 * before, so that a rollback can move it back. Immutable.
 *
 * @param model the model
 * @param alias the alias
 * @param version the version it points at
 * @param previous the versions it pointed at before, oldest first
 */
public record AliasRecord(String model, String alias, String version, List<String> previous) {

    /** @throws NullPointerException if an argument is null */
    public AliasRecord {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(version, "version");
        previous = List.copyOf(previous);
    }
}
