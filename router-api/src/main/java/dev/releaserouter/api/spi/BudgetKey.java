package dev.releaserouter.api.spi;

import java.util.Objects;

/**
 * Names one candidate's exposure budget in a {@link BudgetLedger}. Immutable.
 *
 * @param model the model
 * @param version the candidate version
 */
public record BudgetKey(String model, String version) {

    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if an argument is blank
     */
    public BudgetKey {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(version, "version");
        if (model.isBlank() || version.isBlank()) {
            throw new IllegalArgumentException("model and version must be non-blank, but were '"
                    + model + "' and '" + version + "'");
        }
    }

    @Override
    public String toString() {
        return model + "/" + version;
    }
}
