package dev.releaserouter.api.shadow;

import java.util.Objects;

/**
 * Tells a model version whether it is running as a shadow (dark-launch) call, so that it can
 * skip side effects: a shadow call's answer is thrown away, and it must be <b>read-only</b>
 * (seed 001 §1 and §3.4: no external effect, idempotent under replay). Guard every write a
 * version makes (sending a message, charging, updating a profile, appending to a feature store)
 * with {@link #isShadow()}:
 *
 * <pre>{@code
 * Double score(Features f) {
 *     double s = model.score(f);
 *     if (!ShadowContext.isShadow()) {
 *         auditLog.append(f.customerId(), s);   // a side effect: never from a shadow call
 *     }
 *     return s;
 * }
 * }</pre>
 *
 * <p>The router's shadow workers run every shadow call through
 * {@link #predictAsShadow(Predictor, Object)}, which sets a thread-local flag around the call
 * and restores the previous value in {@code finally}. The flag is visible on the thread that
 * runs the call: for an asynchronous version ({@code ModelBinding.Builder#asyncVersion}) that
 * is the thread that calls {@link AsyncPredictor#predict} and starts the request, not the
 * client threads that complete it. Read the flag there and carry it along
 * ({@code boolean shadow = ShadowContext.isShadow();} before handing work to another thread).
 *
 * <p>Thread-safe: the flag is per thread. Allocation-free after a thread's first call.
 */
public final class ShadowContext {

    // A Boolean value, never removed (set back to FALSE): remove() and set() would allocate a
    // ThreadLocalMap entry on every shadow call.
    private static final ThreadLocal<Boolean> SHADOW = ThreadLocal.withInitial(() -> false);

    private ShadowContext() {}

    /**
     * @return whether the current thread is running a shadow call (its output is discarded and
     *     it must have no side effects)
     */
    public static boolean isShadow() {
        return SHADOW.get();
    }

    /**
     * Calls a version as a shadow: {@link #isShadow()} is true on this thread for the duration of
     * the call and has its previous value afterwards, whatever the call throws. The router's
     * shadow workers use it; other shadow mechanisms (a gateway mirror, a test) may too.
     *
     * @param predictor the version to call
     * @param input its input
     * @param <I> input type
     * @param <O> output type
     * @return what the predictor returned
     * @throws Exception whatever the predictor throws
     * @throws NullPointerException if predictor is null
     */
    public static <I, O> O predictAsShadow(Predictor<I, O> predictor, I input) throws Exception {
        Objects.requireNonNull(predictor, "predictor");
        Boolean previous = SHADOW.get();
        SHADOW.set(Boolean.TRUE);
        try {
            return predictor.predict(input);
        } finally {
            SHADOW.set(previous);
        }
    }
}
