package dev.releaserouter.api.shadow;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * The callable versions of one model and how to compare and protect them: what
 * {@code Router.bind} needs to {@code route} requests. Immutable.
 *
 * <pre>{@code
 * ModelBinding<Features, Double> churn = ModelBinding.<Features, Double>builder("churn")
 *         .version("v1", churnV1::score)
 *         .version("v2", churnV2::score)
 *         .comparator(ShadowComparators.score(0.02))
 *         .validator(OutputValidators.scoreBetween(0, 1))
 *         .build();
 * }</pre>
 *
 * <p>A version may answer asynchronously ({@link Builder#asyncVersion}): {@code routeAsync}
 * then never blocks the caller. Every version serves both {@code route} and {@code routeAsync}:
 * {@code route} waits for an asynchronous version's stage, {@code routeAsync} calls a
 * synchronous version on the caller's thread and completes at once.
 *
 * <p>The predictors, comparator, validator and copier are user code that the router calls on
 * the request thread or on shadow workers. Whatever they throw, {@code StackOverflowError},
 * {@code AssertionError} and {@code NoClassDefFoundError} included, is contained and counted;
 * only the fatal VM errors ({@code OutOfMemoryError}, {@code InternalError},
 * {@code UnknownError}) reach the caller, on the request thread only. The one failure that
 * reaches the caller otherwise is the served version's own, when nothing else can answer (no
 * fallback, or the stable version failed too).
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class ModelBinding<I, O> {

    private final String model;
    private final Map<String, Predictor<I, O>> versions;
    private final Map<String, AsyncPredictor<I, O>> asyncVersions;
    private final @Nullable ShadowComparator<O> comparator;
    private final @Nullable OutputValidator<O> validator;
    private final @Nullable InputCopier<I> copier;
    private final boolean fallbackToStable;
    private final @Nullable Duration primaryTimeout;

    private ModelBinding(Builder<I, O> b) {
        this.model = b.model;
        this.versions = Collections.unmodifiableMap(new LinkedHashMap<>(b.versions));
        this.asyncVersions = Collections.unmodifiableMap(new LinkedHashMap<>(b.asyncVersions));
        this.comparator = b.comparator;
        this.validator = b.validator;
        this.copier = b.copier;
        this.fallbackToStable = b.fallbackToStable;
        this.primaryTimeout = b.primaryTimeout;
    }

    /**
     * @param model the model name, as in the configuration
     * @param <I> input type
     * @param <O> output type
     * @return a builder
     */
    public static <I, O> Builder<I, O> builder(String model) {
        return new Builder<>(model);
    }

    /** @return the model name */
    public String model() {
        return model;
    }

    /** @return callables by version id, immutable */
    public Map<String, Predictor<I, O>> versions() {
        return versions;
    }

    /**
     * @return callables by version id as {@code routeAsync} calls them (synchronous versions
     *     answer on the caller's thread), immutable, in the order of {@link #versions()}
     */
    public Map<String, AsyncPredictor<I, O>> asyncVersions() {
        return asyncVersions;
    }

    /** @return the comparator, or null for {@code Objects.equals} */
    public @Nullable ShadowComparator<O> comparator() {
        return comparator;
    }

    /** @return the output validator, or null if every output is valid */
    public @Nullable OutputValidator<O> validator() {
        return validator;
    }

    /** @return the input copier used before shadow calls, or null (inputs are immutable) */
    public @Nullable InputCopier<I> copier() {
        return copier;
    }

    /** @return whether a failing canary falls back to the stable version */
    public boolean fallbackToStable() {
        return fallbackToStable;
    }

    /** @return the canary's primary-path timeout when falling back, or null for none */
    public @Nullable Duration primaryTimeout() {
        return primaryTimeout;
    }

    /** Builds a {@link ModelBinding}. Not thread-safe. */
    public static final class Builder<I, O> {
        private final String model;
        private final LinkedHashMap<String, Predictor<I, O>> versions = new LinkedHashMap<>();
        private final LinkedHashMap<String, AsyncPredictor<I, O>> asyncVersions =
                new LinkedHashMap<>();
        private @Nullable ShadowComparator<O> comparator;
        private @Nullable OutputValidator<O> validator;
        private @Nullable InputCopier<I> copier;
        private boolean fallbackToStable;
        private @Nullable Duration primaryTimeout;

        private Builder(String model) {
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("model must be a non-blank string, but was "
                        + (model == null ? "null" : "'" + model + "'"));
            }
            this.model = model;
        }

        /**
         * Registers a version.
         *
         * @param id the version id, as in the configuration
         * @param predictor its callable
         * @return this builder
         * @throws IllegalArgumentException if the id is blank or already registered
         */
        public Builder<I, O> version(String id, Predictor<I, O> predictor) {
            Objects.requireNonNull(predictor, "predictor");
            return add(id, predictor, input -> CompletableFuture.completedFuture(
                    predictor.predict(input)));
        }

        /**
         * Registers a version that answers asynchronously: {@code routeAsync} calls it and
         * returns without waiting; {@code route} (and a shadow call of it) waits for the stage,
         * interruptibly.
         *
         * @param id the version id, as in the configuration
         * @param predictor its asynchronous callable
         * @return this builder
         * @throws IllegalArgumentException if the id is blank or already registered
         * @throws NullPointerException if predictor is null
         */
        public Builder<I, O> asyncVersion(String id, AsyncPredictor<I, O> predictor) {
            Objects.requireNonNull(predictor, "predictor");
            return add(id, input -> await(predictor.predict(input)), predictor);
        }

        private Builder<I, O> add(String id, Predictor<I, O> sync, AsyncPredictor<I, O> async) {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("version id must be non-blank, but was "
                        + (id == null ? "null" : "'" + id + "'"));
            }
            if (versions.putIfAbsent(id, sync) != null) {
                throw new IllegalArgumentException("version '" + id + "' of model '" + model
                        + "' is registered twice");
            }
            asyncVersions.put(id, async);
            return this;
        }

        /** Waits for a stage, interruptibly; its failure is rethrown as it is. */
        private static <O> O await(CompletionStage<O> stage) throws Exception {
            try {
                return Objects.requireNonNull(stage, "the async predictor returned null")
                        .toCompletableFuture().get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception) {
                    throw (Exception) cause;
                }
                if (cause instanceof Error) {
                    throw (Error) cause;
                }
                throw e;
            }
        }

        /**
         * @param comparator how shadow outputs are compared (default: {@code Objects.equals})
         * @return this builder
         */
        public Builder<I, O> comparator(ShadowComparator<O> comparator) {
            this.comparator = Objects.requireNonNull(comparator, "comparator");
            return this;
        }

        /**
         * @param validator checks both sides' outputs; an invalid output is an error. A
         *     validator that throws rejects the output: with fallback on, the stable version
         *     answers with cause {@code INVALID_OUTPUT}; on the shadow side the call is
         *     {@code INVALID_OUTPUT}; a served output is still served and counted invalid
         * @return this builder
         */
        public Builder<I, O> validator(OutputValidator<O> validator) {
            this.validator = Objects.requireNonNull(validator, "validator");
            return this;
        }

        /**
         * @param copier copies inputs before a shadow call (e.g. a Jackson deep copy), on the
         *     caller's thread; a copier that throws makes that shadow call an {@code ERROR}
         *     without calling the candidate, never the caller's failure
         * @return this builder
         */
        public Builder<I, O> copier(InputCopier<I> copier) {
            this.copier = Objects.requireNonNull(copier, "copier");
            return this;
        }

        /**
         * Turns on fallback: when the canary throws, returns an invalid output or exceeds
         * {@code primaryTimeout}, the stable version answers and the result says so. Off by
         * default. "Throws" means any {@code Throwable} but a fatal VM error, with or without
         * a timeout: a canary's {@code StackOverflowError} or {@code AssertionError} falls back
         * with cause {@code ERROR}, a validator that throws with {@code INVALID_OUTPUT}.
         *
         * @param primaryTimeout the canary's time limit, or null for none: the canary then runs
         *     on the caller's thread and only failures and invalid outputs fall back
         * @return this builder
         * @throws IllegalArgumentException if the timeout is not positive
         */
        public Builder<I, O> fallbackToStable(@Nullable Duration primaryTimeout) {
            if (primaryTimeout != null
                    && (primaryTimeout.isNegative() || primaryTimeout.isZero())) {
                throw new IllegalArgumentException(
                        "primaryTimeout must be positive, but was " + primaryTimeout);
            }
            this.fallbackToStable = true;
            this.primaryTimeout = primaryTimeout;
            return this;
        }

        /**
         * @return the binding
         * @throws IllegalArgumentException if no version is registered
         */
        public ModelBinding<I, O> build() {
            if (versions.isEmpty()) {
                throw new IllegalArgumentException("model '" + model + "' has no version");
            }
            return new ModelBinding<>(this);
        }
    }
}
