package dev.releaserouter.spring;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanInitializationException;

/**
 * The router could not be wired into the application: a {@code @ShadowV2} method that names a
 * missing candidate bean, a router that cannot start. It fails startup, and
 * {@link RouterFailureAnalyzer} turns it into a short description and an action instead of a
 * long bean-creation stack trace.
 *
 * <p>Immutable and thread-safe.
 */
public final class RouterWiringException extends BeanInitializationException {

    private static final long serialVersionUID = 1L;

    private final String subject;
    private final String problem;
    private final String action;

    /**
     * Creates the exception.
     *
     * @param subject what could not be wired, e.g. {@code @ShadowV2 on ChurnV1.score(Features)
     *     of bean 'churnV1'}
     * @param problem what is wrong, as a sentence fragment
     * @param action what to do about it, as a sentence
     * @param cause the underlying exception, or null
     * @throws NullPointerException if subject, problem or action is null
     */
    public RouterWiringException(String subject, String problem, String action,
            @Nullable Throwable cause) {
        super(Objects.requireNonNull(subject, "subject") + ": "
                + Objects.requireNonNull(problem, "problem"), cause);
        this.subject = subject;
        this.problem = problem;
        this.action = Objects.requireNonNull(action, "action");
    }

    /** @return what could not be wired; never null */
    public String subject() {
        return subject;
    }

    /** @return what is wrong; never null */
    public String problem() {
        return problem;
    }

    /** @return what to do about it; never null */
    public String action() {
        return action;
    }
}
