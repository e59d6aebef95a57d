package dev.releaserouter.spring;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.annotation.ShadowV2;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.Predictor;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.api.shadow.ShadowComparator;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
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
 * Runs a {@link ShadowV2} method as the primary and shadows its candidate through the router.
 *
 * <p>Each annotated method is bound once ({@link Router#bind}) as a model with two versions;
 * only the candidate's is ever called by the router (the stable one is the annotated method,
 * called here). The method proceeds on the caller's thread, timed; its result, or its
 * exception, reaches the caller untouched. A normal result is then handed to
 * {@link RoutedModel#shadow} with the method's latency, which applies the router's shadow
 * rules (sampling, eligibility, kill switches, bulkhead, timeout) and compares the candidate's
 * answer on a shadow thread with the comparator the annotation names (equality by default). A
 * {@code CompletionStage} method returns its stage untouched; when it completes normally, its
 * value is shadowed with the time from the call to the completion as the primary latency.
 *
 * <p>Canary weight in the flag file does not change anything here: the annotated method always
 * answers, so every sampled and eligible call is shadowed. A v1 exception is not shadowed. A
 * failure of the router, of the request resolver or of the candidate never reaches the caller.
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
        Object[] args = invocation.getArguments().clone();
        long start = System.nanoTime();
        Object result = invocation.proceed(); // v1's exception reaches the caller untouched
        if (h.async) {
            if (result instanceof CompletionStage<?> stage) {
                stage.whenComplete((value, error) -> {
                    if (error == null) {
                        shadow(h, request, args, value, System.nanoTime() - start);
                    }
                });
            }
        } else {
            shadow(h, request, args, result, System.nanoTime() - start);
        }
        return result;
    }

    /** Hands v1's answer to the router's shadow path; never throws, never blocks. */
    private void shadow(Handle h, RouteRequest request, Object[] args, @Nullable Object output,
            long nanos) {
        try {
            h.routed.shadow(request, args, output, Math.max(0, nanos));
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
                a.method().isEmpty() ? method.getName() : a.method(), method.getParameterTypes(),
                async);
        Predictor<Object[], Object> stable = args -> {
            throw new IllegalStateException("@ShadowV2: v1 is the annotated method itself");
        };
        ModelBinding.Builder<Object[], Object> binding = ModelBinding.<Object[], Object>builder(
                        a.model())
                .version(a.stableVersion(), stable)
                .version(a.candidateVersion(), candidate::invoke);
        if (!a.comparator().isEmpty()) {
            @SuppressWarnings("unchecked")
            ShadowComparator<Object> comparator = beanFactory.get().getBean(a.comparator(),
                    ShadowComparator.class);
            binding.comparator(comparator);
        }
        LOG.debug("@ShadowV2 binds {} as {}/{} with candidate bean '{}' as {}", method,
                a.model(), a.stableVersion(), a.candidate(), a.candidateVersion());
        return new Handle(a, method, async, router.get().bind(binding.build()));
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
        final RoutedModel<Object[], Object> routed;

        Handle(ShadowV2 annotation, Method method, boolean async,
                RoutedModel<Object[], Object> routed) {
            this.annotation = annotation;
            this.method = method;
            this.async = async;
            this.routed = routed;
        }
    }

    /** The candidate bean's method, looked up on first use. */
    private static final class Candidate {
        private final Supplier<BeanFactory> beanFactory;
        private final String bean;
        private final String name;
        private final Class<?>[] parameterTypes;
        private final boolean async;
        private volatile @Nullable Object target;
        private volatile @Nullable Method method;

        Candidate(Supplier<BeanFactory> beanFactory, String bean, String name,
                Class<?>[] parameterTypes, boolean async) {
            this.beanFactory = beanFactory;
            this.bean = bean;
            this.name = name;
            this.parameterTypes = parameterTypes;
            this.async = async;
        }

        @Nullable Object invoke(Object[] args) throws Exception {
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
            Object out;
            try {
                out = m.invoke(t, args);
            } catch (InvocationTargetException e) {
                throw rethrow(e.getCause());
            }
            if (!async || out == null) {
                return out;
            }
            try {
                // On a shadow thread: the runner's timeout interrupts this wait.
                return ((CompletionStage<?>) out).toCompletableFuture().get();
            } catch (ExecutionException e) {
                throw rethrow(e.getCause());
            }
        }

        private static Exception rethrow(@Nullable Throwable cause) {
            if (cause instanceof Error err) {
                throw err;
            }
            if (cause instanceof Exception ex) {
                return ex;
            }
            return new IllegalStateException(cause);
        }
    }
}
