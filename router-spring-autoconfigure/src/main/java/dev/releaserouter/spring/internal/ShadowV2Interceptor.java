package dev.releaserouter.spring.internal;

import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.annotation.ShadowV2;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.Predictor;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.spring.RouteRequestResolver;
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
 * Runs a {@link ShadowV2} method through the router's shadow path.
 *
 * <p>Each annotated method is bound once ({@link Router#bind}) as a model with two versions: the
 * stable one proceeds with the intercepted invocation, the candidate calls the candidate bean's
 * method. A plain method is then routed on the caller's thread, so core measures v1's latency,
 * calls v1, and hands the candidate to its shadow runner (sampling, eligibility, timeout,
 * comparison). A {@code CompletionStage} method proceeds at once and returns its stage untouched;
 * when the stage completes normally its value is routed as an already computed stable answer, so
 * only the candidate runs on the shadow executor (its stage is awaited there, within the shadow
 * timeout).
 *
 * <p>The caller always gets v1's result or v1's own exception: a failure of the router, of the
 * request resolver or of the candidate never reaches it. When the flag file gives the candidate
 * canary weight, the router picks it as primary for some entities; {@code @ShadowV2} still
 * answers with v1 for those calls, which are then not shadowed (warned once per method).
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
        return h.async ? invokeAsync(h, invocation, request) : invokePlain(h, invocation, request);
    }

    private @Nullable Object invokePlain(Handle h, MethodInvocation invocation,
            RouteRequest request) throws Throwable {
        Call call = new Call(invocation, invocation.getArguments().clone(), null);
        try {
            return h.routed.route(request, call).output();
        } catch (V1Failure f) {
            throw f.getCause(); // v1's own exception, untouched
        } catch (CandidateAsPrimary c) {
            warnCanary(h);
            return invocation.proceed();
        } catch (RuntimeException e) {
            if (call.stableCalled) {
                throw e; // not expected: v1's exceptions are wrapped
            }
            warnOnce(h.method, "the router failed before {} ran; answering without shadow",
                    h.method, e);
            return invocation.proceed();
        }
    }

    private @Nullable Object invokeAsync(Handle h, MethodInvocation invocation,
            RouteRequest request) throws Throwable {
        Object[] args = invocation.getArguments().clone();
        Object result = invocation.proceed();
        if (result instanceof CompletionStage<?> stage) {
            stage.whenComplete((value, error) -> {
                if (error == null) {
                    shadowCompleted(h, request, args, value);
                }
            });
        }
        return result;
    }

    private void shadowCompleted(Handle h, RouteRequest request, Object[] args,
            @Nullable Object value) {
        try {
            h.routed.route(request, new Call(null, args, value));
        } catch (CandidateAsPrimary c) {
            warnCanary(h);
        } catch (RuntimeException e) {
            warnOnce(h.method, "cannot shadow a completed call of {}: {}", h.method, e);
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
        Predictor<Call, Object> stable = Call::stable;
        Predictor<Call, Object> v2 = call -> {
            if (!call.stableCalled) {
                throw new CandidateAsPrimary();
            }
            return candidate.invoke(call.args);
        };
        ModelBinding<Call, Object> binding = ModelBinding.<Call, Object>builder(a.model())
                .version(a.stableVersion(), stable)
                .version(a.candidateVersion(), v2)
                .build();
        LOG.debug("@ShadowV2 binds {} as {}/{} with candidate bean '{}' as {}", method,
                a.model(), a.stableVersion(), a.candidate(), a.candidateVersion());
        return new Handle(a, method, async, router.get().bind(binding));
    }

    private void warnCanary(Handle h) {
        warnOnce(h.method, "the flag file sends some entities of model '{}' to {} as primary;"
                + " @ShadowV2 {} answers them with v1 and does not shadow them",
                h.annotation.model(), h.annotation.candidateVersion(), h.method);
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
        final RoutedModel<Call, Object> routed;

        Handle(ShadowV2 annotation, Method method, boolean async,
                RoutedModel<Call, Object> routed) {
            this.annotation = annotation;
            this.method = method;
            this.async = async;
            this.routed = routed;
        }
    }

    /**
     * One call: the input of both versions. Its stable side proceeds with the invocation (plain
     * methods) or returns the already completed value (asynchronous ones). {@code stableCalled}
     * is written on the caller's thread before core queues the shadow call, which publishes it.
     */
    private static final class Call {
        private final @Nullable MethodInvocation invocation;
        final Object[] args;
        private final @Nullable Object completed;
        boolean stableCalled;

        Call(@Nullable MethodInvocation invocation, Object[] args, @Nullable Object completed) {
            this.invocation = invocation;
            this.args = args;
            this.completed = completed;
        }

        @Nullable Object stable() {
            stableCalled = true;
            if (invocation == null) {
                return completed;
            }
            try {
                return invocation.proceed();
            } catch (Throwable t) {
                throw new V1Failure(t);
            }
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

    /** v1 threw: carried through core's route() and unwrapped for the caller. */
    private static final class V1Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        V1Failure(Throwable cause) {
            super(null, cause, false, false);
        }
    }

    /** The router chose the candidate as primary; the interceptor answers with v1. */
    private static final class CandidateAsPrimary extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CandidateAsPrimary() {
            super(null, null, false, false);
        }
    }
}
