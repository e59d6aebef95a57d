package dev.releaserouter.api.shadow;

/**
 * The version that served a request threw a checked exception; the cause is that exception. The
 * router itself never fails a request: this is the model's own failure, passed on.
 */
public class ModelInvocationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param model the model
     * @param version the version that threw
     * @param cause what it threw
     */
    public ModelInvocationException(String model, String version, Throwable cause) {
        super("version " + version + " of model " + model + " failed: " + cause, cause);
    }
}
