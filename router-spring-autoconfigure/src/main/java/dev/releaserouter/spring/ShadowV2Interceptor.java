package dev.releaserouter.spring;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.annotation.ShadowV2;
import dev.releaserouter.api.shadow.InputCopier;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.ModelInvocationException;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.api.shadow.ShadowComparator;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Runs a {@link ShadowV2} method as the primary and shadows its candidate through the router;
 * with {@link ShadowV2#serve()}, routes each call through the router's decision so that the
 * candidate also serves its share.
 *
 * <p>Each annotated method is bound once ({@link Router#bind}) as a model with two versions:
 * the stable one proceeds with the intercepted call ({@link ShadowV2Call#proceed()}), the
 * candidate calls the candidate bean's method. The binding's input is the call (its arguments
 * and, on the caller's side, the invocation); its {@link InputCopier} copies the arguments before
 * the candidate sees them ({@link ShadowV2#copier()}, a deep copy by default), as
 * {@code route()} does for a binding with a copier (seed 002 §1).
 *
 * <p>Shadow only (the default): the method proceeds on the caller's thread, timed; its result,
 * or its exception, reaches the caller untouched. A normal result is then handed to
 * {@link RoutedModel#shadow} with the method's latency, which applies the router's shadow
 * rules (sampling, eligibility, kill switches, bulkhead, timeout), copies the arguments and
 * compares the candidate's answer on a shadow thread with the comparator the annotation names
 * (equality by default). A {@code CompletionStage} method returns its stage untouched; when it
 * completes normally, its value is shadowed with the time from the call to the completion as the
 * primary latency. Canary weight does not change anything: the annotated method always answers.
 *
 * <p>Serving ({@code serve = true}, seed 002 §2): the call goes to
 * {@link RoutedModel#route} ({@code routeAsync} for a {@code CompletionStage} method), so the
 * router decides per entity key (stable assignment), the chosen version answers on the caller's
 * thread, the route hooks (measurements, metrics) see the call, a failing candidate falls back
 * to the annotated method, and a call the annotated method answered is shadowed as above. A
 * checked exception of the annotated method reaches the caller as it was thrown (for a
 * {@code CompletionStage} method, as the cause of the failed stage it returns).
 *
 * <p>A failure of the router, of the request resolver or of the candidate (when it does not
 * serve) never reaches the caller.
 *
 * <p>Thread-safe: per-method state is created once and kept in concurrent maps.
 */
final class ShadowV2Interceptor implements MethodInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(ShadowV2Interceptor.class);

    private final Supplier<Router> router;
    private final Supplier<RouteRequestResolver> resolver;
    private final Supplier<BeanFactory> beanFactory;
    private final ConcurrentMap<Method, Handle> handles = new ConcurrentHashMap<>();
    private final Set<Method> warned = ConcurrentHashMap.newKeySet();

    ShadowV2Interceptor(Supplier<Router> router, Supplier<RouteRequestResolver> resolver,
            Supplier<BeanFactory> beanFactory) {
        this.router = router;
        this.resolver = resolver;
        this.beanFactory = beanFactory;
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        Handle h;
        RouteRequest request;
        try {
            h = handles.computeIfAbsent(invocation.getMethod(), m -> handle(invocation));
            request = resolver.get().resolve(h.annotation, h.method, invocation.getArguments());
        } catch (RuntimeException e) {
            warnOnce(invocation.getMethod(), "cannot shadow {}: {}", invocation.getMethod(), e);
            return invocation.proceed();
        }
        if (h.serve) {
            return serve(h, request, invocation);
        }
        ShadowV2Call call = new ShadowV2Call(invocation.getArguments().clone(), null);
        long start = System.nanoTime();
        Object result = invocation.proceed(); // v1's exception reaches the caller untouched
        if (h.async) {
            if (result instanceof CompletionStage<?> stage) {
                stage.whenComplete((value, error) -> {
                    if (error == null) {
                        shadow(h, request, call, value, System.nanoTime() - start);
                    }
                });
            }
        } else {
            shadow(h, request, call, result, System.nanoTime() - start);
        }
        return result;
    }

    /** Routes the call through the router's decision: the chosen version answers. */
    private @Nullable Object serve(Handle h, RouteRequest request, MethodInvocation invocation)
            throws Throwable {
        ShadowV2Call call = new ShadowV2Call(invocation.getArguments().clone(), invocation);
        if (h.async) {
            CompletableFuture<@Nullable Object> out = new CompletableFuture<>();
            h.routed.routeAsync(request, call).whenComplete((result, error) -> {
                if (error == null) {
                    out.complete(result.output());
                } else {
                    out.completeExceptionally(served(error));
                }
            });
            return out;
        }
        try {
            return h.routed.route(request, call).output();
        } catch (ModelInvocationException e) {
            throw served(e);
        }
    }

    /**
     * The served version's failure as the caller would have seen it from the method itself: a
     * checked exception the router wrapped in a {@link ModelInvocationException} (or a stage in a
     * {@link CompletionException}) is unwrapped.
     */
    private static Throwable served(Throwable error) {
        Throwable t = error;
        if (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        Throwable cause = t.getCause();
        if (t instanceof ModelInvocationException && cause instanceof Exception
                && !(cause instanceof RuntimeException)) {
            return cause;
        }
        return t;
    }

    /** Hands v1's answer to the router's shadow path; never throws, never blocks. */
    private void shadow(Handle h, RouteRequest request, ShadowV2Call call,
            @Nullable Object output, long nanos) {
        try {
            h.routed.shadow(request, call, output, Math.max(0, nanos));
        } catch (RuntimeException e) {
            warnOnce(h.method, "cannot shadow a call of {}: {}", h.method, e);
        }
    }

    private Handle handle(MethodInvocation invocation) {
        Object target = invocation.getThis();
        Class<?> type = target != null ? AopUtils.getTargetClass(target)
                : invocation.getMethod().getDeclaringClass();
        Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(), type);
        ShadowV2 a = AnnotatedElementUtils.findMergedAnnotation(method, ShadowV2.class);
        if (a == null) {
            throw new IllegalStateException("no @ShadowV2 on " + method);
        }
        boolean async = CompletionStage.class.isAssignableFrom(method.getReturnType());
        Candidate candidate = new Candidate(beanFactory, a.candidate(),
                a.method().isEmpty() ? method.getName() : a.method(), method.getParameterTypes());
        ModelBinding.Builder<ShadowV2Call, Object> binding =
                ModelBinding.<ShadowV2Call, Object>builder(a.model());
        if (async) {
            binding.asyncVersion(a.stableVersion(), ShadowV2Call::proceedAsync)
                    .asyncVersion(a.candidateVersion(), call -> stage(candidate.call(call)));
        } else {
            binding.version(a.stableVersion(), ShadowV2Call::proceed)
                    .version(a.candidateVersion(), candidate::call);
        }
        InputCopier<ShadowV2Call> copier = copier(a, method);
        if (copier != null) {
            binding.copier(copier);
        }
        if (a.serve()) {
            binding.fallbackToStable(null); // seed 002: v2 fails, v1 answers
        }
        if (!a.comparator().isEmpty()) {
            @SuppressWarnings("unchecked")
            ShadowComparator<Object> comparator = beanFactory.get().getBean(a.comparator(),
                    ShadowComparator.class);
            binding.comparator(comparator);
        }
        LOG.debug("@ShadowV2 binds {} as {}/{} with candidate bean '{}' as {}{}", method,
                a.model(), a.stableVersion(), a.candidate(), a.candidateVersion(),
                a.serve() ? ", serving its share" : "");
        return new Handle(a, method, async, a.serve(), router.get().bind(binding.build()));
    }

    /** The copier the annotation names: deep copy (default), none, or a bean. */
    private @Nullable InputCopier<ShadowV2Call> copier(ShadowV2 a, Method method) {
        String name = a.copier();
        if (name.equals(ShadowV2.NO_COPY)) {
            return null;
        }
        InputCopier<Object> each;
        if (name.isEmpty()) {
            each = ShadowV2Copies::deepCopy;
        } else {
            @SuppressWarnings("unchecked")
            InputCopier<Object> bean = beanFactory.get().getBean(name, InputCopier.class);
            each = bean;
        }
        return call -> {
            try {
                return call.copy(each);
            } catch (RuntimeException | Error e) {
                warnOnce(method, "@ShadowV2 on {} cannot copy its arguments for the candidate"
                        + " ({}); the shadow call is counted as an error. Name an InputCopier"
                        + " bean in copier = \"...\", or copier = ShadowV2.NO_COPY for"
                        + " immutable arguments", method, e.toString());
                throw e;
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static CompletionStage<Object> stage(@Nullable Object out) {
        return (CompletionStage<Object>) out;
    }

    private void warnOnce(Method method, String format, Object... args) {
        if (warned.add(method)) {
            LOG.warn(format, args);
        } else {
            LOG.debug(format, args);
        }
    }

    /** One annotated method, bound once. */
    private static final class Handle {
        final ShadowV2 annotation;
        final Method method;
        final boolean async;
        final boolean serve;
        final RoutedModel<ShadowV2Call, Object> routed;

        Handle(ShadowV2 annotation, Method method, boolean async, boolean serve,
                RoutedModel<ShadowV2Call, Object> routed) {
            this.annotation = annotation;
            this.method = method;
            this.async = async;
            this.serve = serve;
            this.routed = routed;
        }
    }

    /** The candidate bean's method, looked up on first use. */
    private static final class Candidate {
        private final Supplier<BeanFactory> beanFactory;
        private final String bean;
        private final String name;
        private final Class<?>[] parameterTypes;
        private volatile @Nullable Object target;
        private volatile @Nullable Method method;

        Candidate(Supplier<BeanFactory> beanFactory, String bean, String name,
                Class<?>[] parameterTypes) {
            this.beanFactory = beanFactory;
            this.bean = bean;
            this.name = name;
            this.parameterTypes = parameterTypes;
        }

        /** Calls the candidate's method; its result as it returned it (a stage if async). */
        @Nullable Object call(ShadowV2Call call) throws Exception {
            Method m = method;
            Object t = target;
            if (m == null || t == null) {
                t = beanFactory.get().getBean(bean);
                Method declared = ClassUtils.getMethod(ClassUtils.getUserClass(t), name,
                        parameterTypes);
                m = AopUtils.selectInvocableMethod(declared, t.getClass());
                ReflectionUtils.makeAccessible(m);
                target = t;
                method = m;
            }
            try {
                return m.invoke(t, call.args());
            } catch (InvocationTargetException e) {
                throw ShadowV2Call.rethrow(e.getCause());
            }
        }
    }
}
