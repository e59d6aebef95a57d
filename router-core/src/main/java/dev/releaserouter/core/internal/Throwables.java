package dev.releaserouter.core.internal;

/**
 * The router's one policy for what user code (models, copiers, comparators, validators, listeners,
 * observers, audit sinks, pair stores) and files it reads may throw.
 *
 * <p>Everything is contained and counted, including {@link StackOverflowError} (the stack has
 * unwound by the time it is caught), {@link AssertionError} and {@link LinkageError}. Only the
 * fatal {@link VirtualMachineError}s other than {@code StackOverflowError} ({@link
 * OutOfMemoryError}, {@link InternalError}, {@link UnknownError}) are rethrown on a request
 * path, because the JVM may no longer be able to run anything correctly. A background safety
 * thread (flag watcher, rollout ticks, shadow workers) never rethrows: it counts even a fatal
 * error, reports it and carries on.
 */
public final class Throwables {

    private Throwables() {}

    /**
     * @param t a throwable caught at a user-code boundary
     * @return whether it is a fatal JVM error that the request path must rethrow
     */
    public static boolean isFatal(Throwable t) {
        return t instanceof VirtualMachineError && !(t instanceof StackOverflowError);
    }

    /**
     * Rethrows a fatal JVM error (see {@link #isFatal}); returns normally for anything else.
     *
     * @param t a throwable caught at a user-code boundary
     * @throws VirtualMachineError if {@code t} is fatal
     */
    public static void rethrowIfFatal(Throwable t) {
        if (isFatal(t)) {
            throw (VirtualMachineError) t;
        }
    }
}
