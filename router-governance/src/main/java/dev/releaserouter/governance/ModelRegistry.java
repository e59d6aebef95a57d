package dev.releaserouter.governance;

import java.util.List;
import java.util.Optional;

/**
 * Where version stages, approvals and aliases are kept: the SPI a real model registry (MLflow and
 * the like) implements. {@link FileModelRegistry} is the default; {@link #inMemory()} is for
 * tests.
 *
 * <p>Implementations must be thread-safe. {@link ReleaseGovernance} serialises its own writes,
 * reads before it writes, and treats the registry as the source of truth.
 */
public interface ModelRegistry {

    /**
     * @param model the model
     * @param version the version
     * @return the version's record, or empty if it was never registered
     * @throws java.io.UncheckedIOException if the registry cannot be read
     */
    Optional<VersionRecord> version(String model, String version);

    /**
     * @param model the model
     * @return every registered version of the model, in registration order
     * @throws java.io.UncheckedIOException if the registry cannot be read
     */
    List<VersionRecord> versions(String model);

    /**
     * Creates or replaces a version's record.
     *
     * @param record the record
     * @throws java.io.UncheckedIOException if the registry cannot be written
     */
    void save(VersionRecord record);

    /**
     * @param model the model
     * @param alias the alias
     * @return the alias, or empty if it was never set
     * @throws java.io.UncheckedIOException if the registry cannot be read
     */
    Optional<AliasRecord> alias(String model, String alias);

    /**
     * Creates or replaces an alias.
     *
     * @param alias the alias
     * @throws java.io.UncheckedIOException if the registry cannot be written
     */
    void saveAlias(AliasRecord alias);

    /** @return a new, empty registry kept in memory */
    static ModelRegistry inMemory() {
        return new InMemoryModelRegistry();
    }
}
