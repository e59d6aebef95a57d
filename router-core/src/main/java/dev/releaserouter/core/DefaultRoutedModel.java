package dev.releaserouter.core;

import dev.releaserouter.api.Role;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.hook.CallEvent;
import dev.releaserouter.api.hook.OutputValidity;
import dev.releaserouter.api.shadow.AsyncPredictor;
import dev.releaserouter.api.shadow.FallbackCause;
import dev.releaserouter.api.shadow.InputCopier;
import dev.releaserouter.api.shadow.ModelBinding;
import dev.releaserouter.api.shadow.ModelInvocationException;
import dev.releaserouter.api.shadow.OutputValidator;
import dev.releaserouter.api.shadow.PolicyViolation;
import dev.releaserouter.api.shadow.Predictor;
import dev.releaserouter.api.shadow.RouteResult;
import dev.releaserouter.api.shadow.RoutedModel;
import dev.releaserouter.api.shadow.ShadowComparator;
import dev.releaserouter.api.shadow.ShadowDisposition;
import dev.releaserouter.core.internal.Throwables;
import dev.releaserouter.core.shadow.internal.ShadowRunner;
import dev.releaserouter.core.shadow.ShadowComparators;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A model bound to the router: decide on one snapshot, call the chosen version on the caller's
 * thread (or, for a canary with a primary-path timeout, on the fallback executor), fall back to
 * stable if configured, then hand the shadow call to the {@link ShadowRunner}.
 *
 * <p>Every user-code boundary here follows the one policy of {@link Throwables}: whatever a
 * copier, validator, canary (with fallback on) or route hook throws is
 * contained and counted, {@code StackOverflowError}, {@code AssertionError} and
 * {@code LinkageError} included; only the fatal VM errors ({@link Throwables#isFatal}) reach the
 * caller. The one exception is the served version itself: when nothing else can answer (no
 * fallback, or the stable version failed too), its failure is the caller's and is rethrown.
 *
 * <p>Immutable and thread-safe; all shared state is in the router, its snapshot and the runner.
 */
final class DefaultRoutedModel<I, O> implements RoutedModel<I, O> {

    private final DefaultRouter router;
    private final ModelBinding<I, O> binding;
    private final String model;
    private final Map<String, Predictor<I, O>> versions;
    private final Map<String, AsyncPredictor<I, O>> asyncVersions;
    private final String firstVersion;
    private final ShadowComparator<O> comparator;
    private final @Nullable OutputValidator<O> validator;
    private final @Nullable InputCopier<I> copier;
    private final Supplier<ShadowRunner> runner;
    private final Supplier<ExecutorService> fallbackExecutor;
    /** A validator's violations() threw on the request path: contained and counted. */
    private final Consumer<Throwable> violationsFailed;

    DefaultRoutedModel(DefaultRouter router, ModelBinding<I, O> binding,
            Supplier<ShadowRunner> runner, Supplier<ExecutorService> fallbackExecutor) {
        this.router = router;
        this.binding = binding;
        this.model = binding.model();
        this.versions = binding.versions();
        this.asyncVersions = binding.asyncVersions();
        this.firstVersion = versions.keySet().iterator().next();
        ShadowComparator<O> c = binding.comparator();
        this.comparator = c != null ? c : ShadowComparators.equality();
        this.validator = binding.validator();
        this.copier = binding.copier();
        this.runner = runner;
        this.fallbackExecutor = fallbackExecutor;
        this.violationsFailed = t -> {
            Throwables.rethrowIfFatal(t);
            router.internalError();
        };
    }

    @Override
    public ModelBinding<I, O> binding() {
        return binding;
    }

    @Override
    public RouteResult<O> route(RouteRequest request, I input) {
        checkModel(request);
        HookChain hooks = router.hooks();
        if (hooks.isEmpty()) {
            return route(request, input, hooks, null); // no hooks: nothing allocated for them
        }
        HookChain.Context context = hooks.before(request, false);
        try {
            return route(request, input, hooks, context);
        } catch (RuntimeException | Error e) {
            hooks.onError(context, e);
            throw e; // the served version's own failure: nothing else could answer
        } finally {
            hooks.finallyAfter(context);
        }
    }

    /**
     * Decides and starts the chosen version on the caller's thread; everything after the model
     * answers (fallback, validation, hooks' afterCall and finally, the shadow call) runs when
     * its stage completes. The returned stage always completes: whatever a hook or the
     * bookkeeping throws there is contained like on the synchronous path, and a fatal VM error
     * completes it exceptionally rather than leaving the caller waiting.
     */
    @Override
    public CompletionStage<RouteResult<O>> routeAsync(RouteRequest request, I input) {
        checkModel(request);
        HookChain hooks = router.hooks();
        HookChain.Context context = hooks.isEmpty() ? null : hooks.before(request, true);
        CompletableFuture<RouteResult<O>> result = new CompletableFuture<>();
        try {
            Snapshot snapshot = router.currentSnapshot();
            RouteDecision decision = router.decideOn(snapshot, request);
            if (context != null) {
                hooks.afterDecision(context, decision);
            }
            CompiledModel compiled = snapshot.model(model);
            String stable = stableOf(compiled);
            String decided = decision.version();
            String chosen = decided == null || !versions.containsKey(decided) ? stable : decided;
            boolean canFallBack = binding.fallbackToStable() && decision.isCandidate()
                    && !chosen.equals(stable);
            AsyncCall call = new AsyncCall(request, input, hooks, context, decision, compiled,
                    stable, result);
            long start = router.ticker().getAsLong();
            CompletableFuture<O> first = callAsync(chosen, input);
            if (canFallBack && binding.primaryTimeout() != null) {
                first = first.thenApply(o -> o).orTimeout(
                        binding.primaryTimeout().toNanos(), TimeUnit.NANOSECONDS);
            }
            first.whenComplete((out, err) -> call.guarded(() -> {
                if (canFallBack) {
                    call.canaryAnswered(chosen, start, out, unwrap(err));
                } else {
                    call.finish(chosen, start, out, unwrap(err), null, null);
                }
            }));
        } catch (RuntimeException | Error e) {
            // Before any model ran (a hook's fatal error): nothing to answer with.
            if (context != null) {
                hooks.finallyAfter(context);
            }
            throw e;
        }
        return result;
    }

    /** Starts a version; a predictor that throws (or returns null) gives a failed stage. */
    private CompletableFuture<O> callAsync(String version, I input) {
        try {
            CompletionStage<O> stage = asyncVersions.get(version).predict(input);
            if (stage == null) {
                return CompletableFuture.failedFuture(new ModelInvocationException(model,
                        version, new NullPointerException("the async predictor returned null")));
            }
            return stage.toCompletableFuture();
        } catch (RuntimeException | Error e) {
            return CompletableFuture.failedFuture(e);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(new ModelInvocationException(model, version,
                    e));
        }
    }

    private static @Nullable Throwable unwrap(@Nullable Throwable t) {
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** One routeAsync call after the decision; its methods run on completing threads. */
    private final class AsyncCall {
        private final RouteRequest request;
        private final I input;
        private final HookChain hooks;
        private final HookChain.@Nullable Context context;
        private final RouteDecision decision;
        private final @Nullable CompiledModel compiled;
        private final String stable;
        private final CompletableFuture<RouteResult<O>> result;

        AsyncCall(RouteRequest request, I input, HookChain hooks,
                HookChain.@Nullable Context context, RouteDecision decision,
                @Nullable CompiledModel compiled, String stable,
                CompletableFuture<RouteResult<O>> result) {
            this.request = request;
            this.input = input;
            this.hooks = hooks;
            this.context = context;
            this.decision = decision;
            this.compiled = compiled;
            this.stable = stable;
            this.result = result;
        }

        /** Runs a completion step; the result completes even if the step threw. */
        void guarded(Runnable step) {
            try {
                step.run();
            } catch (Throwable t) {
                result.completeExceptionally(t); // no-op if already completed
            }
        }

        /** The canary answered or failed: validate, or fall back to stable. */
        void canaryAnswered(String canary, long start, @Nullable O out,
                @Nullable Throwable err) {
            FallbackCause cause = null;
            if (err instanceof java.util.concurrent.TimeoutException) {
                cause = FallbackCause.TIMEOUT;
            } else if (err != null) {
                Throwables.rethrowIfFatal(err);
                cause = FallbackCause.ERROR;
            } else if (validator != null) {
                String problem;
                try {
                    problem = validator.problem(out);
                } catch (Throwable t) {
                    Throwables.rethrowIfFatal(t);
                    problem = "validator failed";
                }
                if (problem != null) {
                    cause = FallbackCause.INVALID_OUTPUT;
                }
            }
            if (cause == null) {
                finish(canary, start, out, null, null, validator == null
                        ? OutputValidity.NOT_CHECKED : OutputValidity.VALID);
                return;
            }
            long failedAt = router.ticker().getAsLong();
            runner().fallback(model, canary, cause);
            CallEvent.Fallback failed = new CallEvent.Fallback(canary, cause,
                    Math.max(0, failedAt - start));
            FallbackCause why = cause;
            long stableStart = router.ticker().getAsLong();
            callAsync(stable, input).whenComplete((o, e) -> guarded(() ->
                    finishAfterFallback(stableStart, o, unwrap(e), failed, why)));
        }

        private void finishAfterFallback(long start, @Nullable O out, @Nullable Throwable err,
                CallEvent.Fallback failed, FallbackCause cause) {
            finish(stable, start, out, err, failed, OutputValidity.NOT_CHECKED, cause);
        }

        void finish(String served, long start, @Nullable O out, @Nullable Throwable err,
                CallEvent.@Nullable Fallback failed, @Nullable OutputValidity checked) {
            finish(served, start, out, err, failed, checked, null);
        }

        /** The served version answered or failed: hooks, shadow, then the result. */
        private void finish(String served, long start, @Nullable O out, @Nullable Throwable err,
                CallEvent.@Nullable Fallback failed, @Nullable OutputValidity checked,
                @Nullable FallbackCause cause) {
            long took = Math.max(0, router.ticker().getAsLong() - start);
            Role role = roleOf(decision, served);
            RouteResult<O> answer = null;
            try {
                if (err != null) {
                    skip(compiled, request, served, ShadowDisposition.PRIMARY_FAILED);
                    if (context != null) {
                        hooks.afterCall(context, new CallEvent(request, decision, served, role,
                                took, true, OutputValidity.NOT_CHECKED,
                                Optional.ofNullable(failed)));
                        hooks.onError(context, err);
                    }
                } else {
                    OutputValidity validity = checked != null ? checked
                            : checkPrimary(served, out);
                    if (context != null) {
                        hooks.afterCall(context, new CallEvent(request, decision, served, role,
                                took, false, validity, Optional.ofNullable(failed),
                                violationsOf(out)));
                    }
                    ShadowDisposition shadow;
                    try {
                        shadow = shadow(compiled, request, input, served, out, took);
                    } catch (Throwable t) {
                        Throwables.rethrowIfFatal(t);
                        router.internalError();
                        shadow = ShadowDisposition.NOT_CONFIGURED;
                    }
                    answer = new RouteResult<>(out, decision, served, cause, shadow);
                }
            } finally {
                if (context != null) {
                    hooks.finallyAfter(context); // before the caller sees the result
                }
            }
            if (err != null) {
                result.completeExceptionally(err);
            } else {
                result.complete(answer);
            }
        }
    }

    private void checkModel(RouteRequest request) {
        if (!model.equals(request.model())) {
            throw new IllegalArgumentException("this handle routes model '" + model
                    + "', but the request is for '" + request.model() + "'");
        }
    }

    /**
     * Shadow only: the caller served the stable version itself, so there is no decision, the
     * served version is the stable one and canary weight plays no part.
     */
    @Override
    public ShadowDisposition shadow(RouteRequest request, I input, @Nullable O primaryOutput,
            long primaryNanos) {
        checkModel(request);
        if (primaryNanos < 0) {
            throw new IllegalArgumentException("primaryNanos must not be negative, but was "
                    + primaryNanos);
        }
        try {
            CompiledModel compiled = router.currentSnapshot().model(model);
            String stable = stableOf(compiled);
            checkPrimary(stable, primaryOutput);
            return shadow(compiled, request, input, stable, primaryOutput, primaryNanos);
        } catch (Throwable t) {
            Throwables.rethrowIfFatal(t);
            router.internalError(); // shadowing never fails the caller
            return ShadowDisposition.NOT_CONFIGURED;
        }
    }

    private String stableOf(@Nullable CompiledModel compiled) {
        return compiled != null && versions.containsKey(compiled.stable)
                ? compiled.stable : firstVersion;
    }

    /**
     * Counts a primary output its validator rejects; a failing validator is counted too.
     *
     * @return what the validator said
     */
    private OutputValidity checkPrimary(String version, @Nullable O output) {
        if (validator == null) {
            return OutputValidity.NOT_CHECKED;
        }
        boolean invalid;
        try {
            invalid = validator.problem(output) != null;
        } catch (Throwable t) {
            Throwables.rethrowIfFatal(t);
            invalid = true; // the answer is served anyway; the validator must not fail it
        }
        if (invalid) {
            runner().primaryInvalid(model, version);
            return OutputValidity.INVALID;
        }
        return OutputValidity.VALID;
    }

    /**
     * The policies a served output broke, for the hooks (only called when there are hooks); a
     * validator that throws reports none and is counted.
     */
    private List<PolicyViolation> violationsOf(@Nullable O output) {
        return ShadowRunner.violationsOf(validator, output, violationsFailed);
    }

    /** Decide, call, fall back, shadow; tells the hooks if there is a context. */
    private RouteResult<O> route(RouteRequest request, I input, HookChain hooks,
            HookChain.@Nullable Context context) {
        Snapshot snapshot = router.currentSnapshot();
        RouteDecision decision = router.decideOn(snapshot, request);
        if (context != null) {
            hooks.afterDecision(context, decision);
        }
        CompiledModel compiled = snapshot.model(model);
        String stable = stableOf(compiled);
        String chosen = decision.version();
        if (chosen == null || !versions.containsKey(chosen)) {
            chosen = stable; // unknown model, or a configured version nobody registered
        }
        String served = chosen;
        FallbackCause fallback = null;
        CallEvent.Fallback failedCanary = null;
        OutputValidity validity = OutputValidity.NOT_CHECKED;
        O output;
        LongSupplier ticker = router.ticker();
        long start = ticker.getAsLong();
        boolean canFallBack = binding.fallbackToStable() && decision.isCandidate()
                && !chosen.equals(stable);
        try {
            if (canFallBack) {
                Object[] holder = new Object[1];
                fallback = tryCanary(versions.get(chosen), input, holder);
                if (fallback == null) {
                    @SuppressWarnings("unchecked")
                    O o = (O) holder[0];
                    output = o;
                    validity = validator == null ? OutputValidity.NOT_CHECKED
                            : OutputValidity.VALID;
                } else {
                    long failedAt = ticker.getAsLong();
                    runner().fallback(model, chosen, fallback);
                    if (context != null) {
                        failedCanary = new CallEvent.Fallback(chosen, fallback,
                                Math.max(0, failedAt - start));
                    }
                    served = stable;
                    start = ticker.getAsLong(); // the stable call is what we compare
                    output = call(stable, input);
                }
            } else {
                output = call(chosen, input);
                validity = checkPrimary(chosen, output);
            }
        } catch (RuntimeException | Error e) {
            long took = Math.max(0, ticker.getAsLong() - start);
            skip(compiled, request, served, ShadowDisposition.PRIMARY_FAILED);
            if (context != null) {
                hooks.afterCall(context, new CallEvent(request, decision, served,
                        roleOf(decision, served), took, true, OutputValidity.NOT_CHECKED,
                        Optional.ofNullable(failedCanary)));
            }
            throw e;
        }
        long primaryNanos = Math.max(0, ticker.getAsLong() - start);
        if (context != null) {
            hooks.afterCall(context, new CallEvent(request, decision, served,
                    roleOf(decision, served), primaryNanos, false, validity,
                    Optional.ofNullable(failedCanary), violationsOf(output)));
        }
        ShadowDisposition shadow;
        try {
            shadow = shadow(compiled, request, input, served, output, primaryNanos);
        } catch (Throwable t) {
            // The primary answered: nothing on the shadow side may lose that answer.
            Throwables.rethrowIfFatal(t);
            router.internalError();
            shadow = ShadowDisposition.NOT_CONFIGURED;
        }
        return new RouteResult<>(output, decision, served, fallback, shadow);
    }

    /** The served version's role: the decided canary's only if it answered itself. */
    private static Role roleOf(RouteDecision decision, String served) {
        return served.equals(decision.version()) ? decision.role() : Role.STABLE;
    }

    private ShadowDisposition shadow(@Nullable CompiledModel compiled, RouteRequest request,
            I input, String served, O output, long primaryNanos) {
        if (compiled == null || compiled.shadowVersion == null) {
            return ShadowDisposition.NOT_CONFIGURED;
        }
        String shadowVersion = compiled.shadowVersion;
        ShadowDisposition d = compiled.shadowEligibility(request, served);
        Predictor<I, O> candidate = versions.get(shadowVersion);
        if (d == ShadowDisposition.SCHEDULED && candidate == null) {
            d = ShadowDisposition.NOT_CONFIGURED; // nobody registered the shadow version
        }
        if (d != ShadowDisposition.SCHEDULED) {
            if (d != ShadowDisposition.NOT_CONFIGURED) {
                runner().skipped(request, served, shadowVersion, d, primaryNanos);
            }
            return d;
        }
        I copy;
        Predictor<I, O> call = candidate;
        if (copier == null) {
            copy = input;
        } else {
            try {
                copy = copier.copy(input);
            } catch (Throwable t) {
                // The primary already answered: a copy failure is a failed shadow call, counted
                // as an error of the candidate (exception class only), never the caller's.
                Throwables.rethrowIfFatal(t);
                copy = input;
                call = failing(t);
            }
        }
        return runner().submit(model, served, shadowVersion, call, copy, output,
                primaryNanos, request, comparator, validator);
    }

    /** A stand-in candidate that throws what the copier threw, so the runner counts it. */
    private static <I, O> Predictor<I, O> failing(Throwable t) {
        return x -> {
            if (t instanceof Error) {
                throw (Error) t;
            }
            if (t instanceof Exception) {
                throw (Exception) t;
            }
            throw new IllegalStateException(t); // a direct Throwable subclass
        };
    }

    private void skip(@Nullable CompiledModel compiled, RouteRequest request, String served,
            ShadowDisposition d) {
        if (compiled != null && compiled.shadowVersion != null) {
            runner().skipped(request, served, compiled.shadowVersion, d, 0);
        }
    }

    private ShadowRunner runner() {
        return runner.get();
    }

    /** Calls a version on this thread; model failures pass through to the caller. */
    private O call(String version, I input) {
        try {
            return versions.get(version).predict(input);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ModelInvocationException(model, version, e);
        }
    }

    /**
     * Calls the canary, within the primary-path timeout if one is set. Whatever the canary or the
     * validator throws (StackOverflowError and AssertionError included) is a fallback cause;
     * only a fatal VM error (see {@link Throwables}) reaches the caller.
     *
     * @return null if it answered validly (output in {@code holder[0]}), else the fallback cause
     */
    private @Nullable FallbackCause tryCanary(Predictor<I, O> canary, I input, Object[] holder) {
        O out;
        if (binding.primaryTimeout() == null) {
            try {
                out = canary.predict(input);
            } catch (Throwable t) {
                Throwables.rethrowIfFatal(t);
                return FallbackCause.ERROR;
            }
        } else {
            Future<O> f;
            try {
                f = fallbackExecutor.get().submit(() -> canary.predict(input));
            } catch (RejectedExecutionException e) {
                // All fallback threads are busy with slow canaries: this is a timeout in effect.
                return FallbackCause.TIMEOUT;
            }
            try {
                out = f.get(binding.primaryTimeout().toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                return FallbackCause.TIMEOUT;
            } catch (ExecutionException e) {
                if (e.getCause() != null) {
                    Throwables.rethrowIfFatal(e.getCause());
                }
                return FallbackCause.ERROR;
            } catch (InterruptedException e) {
                f.cancel(true);
                Thread.currentThread().interrupt();
                return FallbackCause.TIMEOUT;
            }
        }
        if (validator != null) {
            String problem;
            try {
                problem = validator.problem(out);
            } catch (Throwable t) {
                Throwables.rethrowIfFatal(t);
                return FallbackCause.INVALID_OUTPUT; // it could not be shown to be valid
            }
            if (problem != null) {
                return FallbackCause.INVALID_OUTPUT;
            }
        }
        holder[0] = out;
        return null;
    }
}
