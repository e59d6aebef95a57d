package dev.releaserouter.rollout.measure;

/**
 * The router's policy for what user code (here: call listeners) may throw, as router-core
 * applies it: everything is contained and counted except the fatal {@link VirtualMachineError}s
 * other than {@link StackOverflowError}, which the request path rethrows. A copy of router-core's
 * two lines, so that this module imports no internal package of another.
 */
final class Throwables {

    private Throwables() {}

    /**
     * Rethrows a fatal JVM error; returns normally for anything else.
     *
     * @param t a throwable caught at a user-code boundary
     * @throws VirtualMachineError if {@code t} is fatal
     */
    static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
            throw (VirtualMachineError) t;
        }
    }
}
