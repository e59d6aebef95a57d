package dev.releaserouter.spring;

import dev.releaserouter.api.Router;
import dev.releaserouter.api.annotation.ShadowV2;
import dev.releaserouter.api.shadow.InputCopier;
import dev.releaserouter.api.shadow.ShadowComparator;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Proxies beans that have {@link ShadowV2} methods with a {@link ShadowV2Interceptor}, after
 * checking each annotated method: a supported return type (a plain value or a {@link
 * CompletionStage}; {@code void}, other {@link Future}s and reactive types are refused), an
 * existing candidate bean with a method of the same parameter types and a compatible return type,
 * an existing {@code ShadowComparator} bean if one is named, an existing {@code InputCopier} bean
 * if one is named, a {@code CompletionStage} or {@code CompletableFuture} return type for an
 * asynchronous method that serves, and valid SpEL. A problem fails
 * startup with a {@link RouterWiringException} naming the method, which
 * {@link RouterFailureAnalyzer} reports.
 *
 * <p>Used by the container on its startup thread; the interceptor it installs is thread-safe.
 */
final class ShadowV2BeanPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

    private static final long serialVersionUID = 1L;

    private final transient ShadowV2Interceptor interceptor;
    private transient @Nullable BeanFactory beanFactory;

    /**
     * Creates the post-processor.
     *
     * @param router supplies the router on the first annotated call
     * @param resolver supplies the request resolver on the first annotated call
     */
    public ShadowV2BeanPostProcessor(Supplier<Router> router,
            Supplier<RouteRequestResolver> resolver) {
        this.interceptor = new ShadowV2Interceptor(router, resolver, this::requireBeanFactory);
        this.advisor = new DefaultPointcutAdvisor(
                new AnnotationMatchingPointcut(null, ShadowV2.class, true), interceptor);
        setProxyTargetClass(true);
        setBeforeExistingAdvisors(true);
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        super.setBeanFactory(beanFactory);
        this.beanFactory = beanFactory;
    }

    private BeanFactory requireBeanFactory() {
        BeanFactory bf = beanFactory;
        if (bf == null) {
            throw new IllegalStateException("no bean factory");
        }
        return bf;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        Class<?> type = AopUtils.getTargetClass(bean);
        Map<Method, ShadowV2> methods = MethodIntrospector.selectMethods(type,
                (MethodIntrospector.MetadataLookup<ShadowV2>) m ->
                        AnnotatedElementUtils.findMergedAnnotation(m, ShadowV2.class));
        methods.forEach((m, a) -> check(beanName, m, a));
        return super.postProcessAfterInitialization(bean, beanName);
    }

    private void check(String beanName, Method method, ShadowV2 a) {
        String where = "@ShadowV2 on " + ClassUtils.getUserClass(method.getDeclaringClass())
                .getSimpleName() + "." + method.getName() + "(" + Arrays.stream(
                        method.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(", ")) + ") of bean '" + beanName + "'";
        if (a.model().isBlank()) {
            throw fail(where, "model must be a non-blank model name");
        }
        if (a.candidate().isBlank()) {
            throw fail(where, "candidate must name the candidate's bean");
        }
        if (Modifier.isPrivate(method.getModifiers()) || Modifier.isFinal(method.getModifiers())
                || Modifier.isStatic(method.getModifiers())) {
            throw fail(where, "the method must be public or protected, non-final and non-static"
                    + " to be intercepted");
        }
        boolean async = checkReturnType(where, method.getReturnType(), "return type");
        if (a.entityKey().isEmpty() && method.getParameterCount() == 0) {
            throw fail(where, "a method without arguments needs an entityKey expression");
        }
        checkExpression(where, "entityKey", a.entityKey());
        checkExpression(where, "tenant", a.tenant());
        BeanFactory bf = requireBeanFactory();
        if (!bf.containsBean(a.candidate())) {
            throw new RouterWiringException(where, "candidate bean '" + a.candidate()
                    + "' does not exist", "Name the candidate's bean in candidate = \"...\""
                    + nearBeans(bf, a.candidate(), beanName) + ".", null);
        }
        if (!a.comparator().isEmpty()) {
            if (!bf.containsBean(a.comparator())) {
                throw new RouterWiringException(where, "comparator bean '" + a.comparator()
                        + "' does not exist", "Name a ShadowComparator bean in comparator = "
                        + "\"...\", or leave it out to compare with equals"
                        + nearBeans(bf, a.comparator(), beanName) + ".", null);
            }
            Class<?> comparatorType = bf.getType(a.comparator(), false);
            if (comparatorType != null
                    && !ShadowComparator.class.isAssignableFrom(comparatorType)) {
                throw fail(where, "comparator bean '" + a.comparator() + "' ("
                        + comparatorType.getName() + ") is not a ShadowComparator");
            }
        }
        checkCopier(bf, where, a, beanName);
        if (a.serve() && async && !method.getReturnType().isAssignableFrom(
                CompletableFuture.class)) {
            throw fail(where, "serve = true needs the method to return CompletionStage or"
                    + " CompletableFuture (the router answers with a CompletableFuture), but it"
                    + " returns " + method.getReturnType().getName());
        }
        Class<?> candidateType = bf.getType(a.candidate(), false);
        if (candidateType == null) {
            return; // type unknown until created: checked on the first call
        }
        String name = a.method().isEmpty() ? method.getName() : a.method();
        Method cm = ClassUtils.getMethodIfAvailable(ClassUtils.getUserClass(candidateType),
                name, method.getParameterTypes());
        if (cm == null) {
            throw fail(where, "candidate bean '" + a.candidate() + "' ("
                    + ClassUtils.getUserClass(candidateType).getName() + ") has no public method "
                    + name + " with the same parameter types");
        }
        boolean candidateAsync = checkReturnType(where, cm.getReturnType(),
                "candidate's return type");
        if (async != candidateAsync) {
            throw fail(where, "the candidate method " + name + " must return "
                    + (async ? "a CompletionStage like the annotated method"
                            : "a plain value like the annotated method") + ", but returns "
                    + cm.getReturnType().getName());
        }
        if (a.stableVersion().equals(a.candidateVersion())) {
            throw fail(where, "stableVersion and candidateVersion are both '"
                    + a.stableVersion() + "'");
        }
    }

    /** A named copier must be an existing {@code InputCopier} bean. */
    private static void checkCopier(BeanFactory bf, String where, ShadowV2 a, String beanName) {
        String copier = a.copier();
        if (copier.isEmpty() || copier.equals(ShadowV2.NO_COPY)) {
            return;
        }
        if (!bf.containsBean(copier)) {
            throw new RouterWiringException(where, "copier bean '" + copier + "' does not exist",
                    "Name an InputCopier bean in copier = \"...\", leave it out for a deep copy"
                    + " of the arguments, or write copier = ShadowV2.NO_COPY to share them"
                    + nearBeans(bf, copier, beanName) + ".", null);
        }
        Class<?> type = bf.getType(copier, false);
        if (type != null && !InputCopier.class.isAssignableFrom(type)) {
            throw fail(where, "copier bean '" + copier + "' (" + type.getName()
                    + ") is not an InputCopier");
        }
    }

    /** Returns whether the type is asynchronous (a CompletionStage). */
    private static boolean checkReturnType(String where, Class<?> type, String what) {
        if (CompletionStage.class.isAssignableFrom(type)) {
            return true;
        }
        if (type == void.class || type == Void.class) {
            throw fail(where, what + " void is not supported: a shadow compares outputs, so the"
                    + " method must return the model's answer (a value or a CompletableFuture)");
        }
        if (Future.class.isAssignableFrom(type)
                || ReactiveAdapterRegistry.getSharedInstance().getAdapter(type) != null) {
            throw fail(where, what + " " + type.getName() + " is not supported: use a plain"
                    + " value or a CompletableFuture/CompletionStage");
        }
        return false;
    }

    private static void checkExpression(String where, String attribute, String text) {
        if (text.isEmpty()) {
            return;
        }
        try {
            SpelRouteRequestResolver.check(text);
        } catch (RuntimeException e) {
            throw fail(where, attribute + " '" + text + "' is not a valid SpEL expression: "
                    + e.getMessage());
        }
    }

    private static RouterWiringException fail(String where, String problem) {
        return new RouterWiringException(where, problem, "Fix the annotated method or its"
                + " @ShadowV2 attributes (see docs/spring.md, @ShadowV2).", null);
    }

    /**
     * " (did you mean 'x'?)" for the bean names closest to a missing one (the annotated bean
     * itself left out), or nothing.
     */
    private static String nearBeans(BeanFactory bf, String missing, String annotatedBean) {
        if (!(bf instanceof ListableBeanFactory lbf)) {
            return "";
        }
        List<String> near = NearMatches.of(missing, Arrays.stream(lbf.getBeanDefinitionNames())
                .filter(n -> !n.equals(annotatedBean)).toList());
        return near.isEmpty() ? "" : " (did you mean " + String.join(" or ", near.stream()
                .map(n -> "'" + n + "'").toList()) + "?)";
    }
}
