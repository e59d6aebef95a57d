package dev.releaserouter.api.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the stable (v1) implementation of a model so that an integration shadows a candidate
 * (v2) behind it: the annotated method runs and its result, or its exception, reaches the caller
 * untouched; the candidate is called asynchronously by the router's shadow runner when the flag
 * file says so (sampling, eligibility, timeout and comparison are the router's, not the
 * annotation's).
 *
 * <pre>{@code
 * @ShadowV2(model = "churn", candidate = "churnV2", entityKey = "#p0.customerId()")
 * public double score(Features features) { ... }
 * }</pre>
 *
 * <p>This annotation has no behaviour by itself: the Spring Boot module
 * ({@code router-spring-autoconfigure}) applies it to Spring beans. There, the candidate is the
 * bean named by {@link #candidate()}, whose method {@link #method()} (by default the annotated
 * method's name) takes the same parameter types; supported return types are plain values and
 * {@code CompletableFuture}/{@code CompletionStage}; {@code void}, {@code Future} and reactive
 * types are refused at startup. {@link #entityKey()} and {@link #tenant()} are expressions the
 * integration evaluates against the method's arguments (SpEL in Spring, with {@code #p0},
 * {@code #a0} or parameter names).
 *
 * <p>The annotation itself is immutable and thread-safe.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ShadowV2 {

    /**
     * The model's name, as in the flag file ({@code models.<name>}).
     *
     * @return the model; never blank
     */
    String model();

    /**
     * The candidate: the name of the bean (or component) that implements v2.
     *
     * @return the candidate's bean name; never blank
     */
    String candidate();

    /**
     * The candidate's method; it takes the same parameter types as the annotated method.
     *
     * @return the method's name, or {@code ""} (the default) for the annotated method's name
     */
    String method() default "";

    /**
     * The version id of the annotated method in the flag file.
     *
     * @return the stable version id; {@code "v1"} by default
     */
    String stableVersion() default "v1";

    /**
     * The version id of the candidate in the flag file (the one its {@code shadow.version}
     * names).
     *
     * @return the candidate version id; {@code "v2"} by default
     */
    String candidateVersion() default "v2";

    /**
     * How the candidate's output is compared with the annotated method's: the name of a bean
     * (or component) implementing {@code dev.releaserouter.api.shadow.ShadowComparator}, for
     * example one made with {@code ShadowComparators.score(0.02, Double::doubleValue)}. The
     * comparator is called on a shadow thread and must be thread-safe.
     *
     * @return the comparator's bean name, or {@code ""} (the default) for equality
     *     ({@code Objects.equals})
     */
    String comparator() default "";

    /**
     * An expression for the request's entity key (the sticky assignment and sampling key),
     * evaluated against the method's arguments.
     *
     * @return the expression, or {@code ""} (the default) for {@code String.valueOf} of the first
     *     argument (a method without arguments is refused at startup)
     */
    String entityKey() default "";

    /**
     * An optional expression for the request's tenant (deny lists and tenant kill switches use
     * it), evaluated against the method's arguments.
     *
     * @return the expression, or {@code ""} (the default) for no tenant
     */
    String tenant() default "";
}
