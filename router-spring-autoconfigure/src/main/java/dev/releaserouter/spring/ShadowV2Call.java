package dev.releaserouter.spring;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.releaserouter.api.shadow.InputCopier;
import java.util.concurrent.CompletionStage;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

/**
 * One call of a {@code @ShadowV2} method, as the input of its binding: the arguments and, on the
 * caller's side only, the intercepted invocation that the stable version proceeds with. A copy
 * for the candidate ({@link #copy}) has copied arguments and no invocation. Serialized (e.g. by
 * a pair masker) as its arguments.
 *
 * <p>Not thread-safe by itself: the caller's instance is used on the caller's thread (and, for
 * an asynchronous fallback, on the thread that completes the candidate's stage, after the
 * candidate is done); a copy belongs to the shadow call it was made for.
 */
final class ShadowV2Call {

    private final @Nullable Object[] args;
    private final @Nullable MethodInvocation invocation;

    ShadowV2Call(@Nullable Object[] args, @Nullable MethodInvocation invocation) {
        this.args = args;
        this.invocation = invocation;
    }

    /** The arguments, as the candidate's method takes them. */
    @JsonValue
    @Nullable Object[] args() {
        return args;
    }

    /** Runs the annotated method itself (the stable version); its failure as it was thrown. */
    @Nullable Object proceed() throws Exception {
        MethodInvocation i = invocation;
        if (i == null) {
            throw new IllegalStateException("@ShadowV2: the annotated method (v1) runs only on"
                    + " the caller's call, never as a shadow");
        }
        try {
            return i.proceed();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@link #proceed()} for a method that returns a {@code CompletionStage}. */
    @SuppressWarnings("unchecked")
    CompletionStage<Object> proceedAsync() throws Exception {
        return (CompletionStage<Object>) proceed();
    }

    /** A copy for the candidate: each non-null argument copied, no invocation. */
    ShadowV2Call copy(InputCopier<Object> each) {
        @Nullable Object[] copies = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            copies[i] = a == null ? null : each.copy(a);
        }
        return new ShadowV2Call(copies, null);
    }

    /** An error thrown as it is; an exception returned to be thrown; anything else wrapped. */
    static Exception rethrow(@Nullable Throwable cause) {
        if (cause instanceof Error err) {
            throw err;
        }
        if (cause instanceof Exception ex) {
            return ex;
        }
        return new IllegalStateException(cause);
    }

    @Override
    public String toString() {
        return "ShadowV2Call[" + args.length + " arguments]"; // arguments may be personal data
    }
}
