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
 * <p>The candidate never sees the caller's argument objects: before a shadow call they are
 * copied ({@link #copier()}; seed 002 §1), so a later change by the caller, or by the candidate,
 * is not shared. With {@link #serve()} the candidate also answers the share of calls the router's
 * decision gives it (seed 002 §2), the rest being answered by the annotated method and shadowed.
 *
 * <p>The annotation itself is immutable and thread-safe.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ShadowV2 {

    /**
     * The {@link #copier()} value that shares the caller's argument objects with the candidate
     * instead of copying them: for arguments that are immutable, to save the copy.
     */
    String NO_COPY = "none";

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

    /**
     * How the arguments are copied before the candidate sees them (seed 002 §1: the shadow must
     * not see a mutated or shared object). The copy is made on the caller's thread when a
     * shadow call is scheduled, before the annotated call returns; the candidate gets the copy.
     *
     * @return {@code ""} (the default) for a deep copy of each argument through Jackson
     *     (immutable JDK values such as strings, numbers, enums and {@code java.time} types are
     *     passed as they are); {@link #NO_COPY} to share the arguments; or the name of a bean
     *     implementing {@code dev.releaserouter.api.shadow.InputCopier}, called once per
     *     non-null argument. A copy that fails makes that shadow call an error (counted), never
     *     the caller's failure
     */
    String copier() default "";

    /**
     * Whether the candidate also <em>serves</em> a live share of the calls (seed 002 §2):
     * each call is routed through the router's decision ({@code RoutedModel.route}), so the
     * candidate answers the share its weight in the flag file (or a rollout's stage) gives it,
     * with stable assignment by entity key, the annotated method answers the rest, and those
     * are shadowed as usual. A candidate that fails falls back to the annotated method. Off by
     * default: the annotated method answers every call whatever the candidate's weight.
     *
     * @return true to serve the candidate's share of calls
     */
    boolean serve() default false;
}
