package dev.releaserouter.api.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * How much exposure a candidate version may get: at most {@code maxRequests} requests (in total,
 * or per rolling {@code window}), and at most {@code maxValueShare} of the monetary value of the
 * model's requests. When a limit is reached, requests that would reach the candidate go to stable
 * with {@link dev.releaserouter.api.Reason#BUDGET_EXHAUSTED}. Limits are never overshot, also
 * under concurrent calls. Immutable.
 */
public final class ExposureBudget {

    /** Internal encoding of "no request limit"; {@link #maxRequests()} is empty instead. */
    private static final long UNLIMITED = -1;

    private final long maxRequests;
    private final @Nullable Duration window;
    private final double maxValueShare;

    private ExposureBudget(long maxRequests, @Nullable Duration window, double maxValueShare) {
        this.maxRequests = maxRequests;
        this.window = window;
        this.maxValueShare = maxValueShare;
    }

    /** @return a new builder with no limits set */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the request limit (in total, or per {@link #window()}), or empty if none */
    public OptionalLong maxRequests() {
        return limitsRequests() ? OptionalLong.of(maxRequests) : OptionalLong.empty();
    }

    /** @return the rolling window of the request limit, or empty if the limit is a total */
    public Optional<Duration> window() {
        return Optional.ofNullable(window);
    }

    /**
     * @return the largest share in {@code [0, 1]} of the model's monetary value the candidate may
     *     receive, or empty if there is no such limit
     */
    public OptionalDouble maxValueShare() {
        return limitsValueShare() ? OptionalDouble.of(maxValueShare) : OptionalDouble.empty();
    }

    /** @return whether a request limit is set */
    public boolean limitsRequests() {
        return maxRequests != UNLIMITED;
    }

    /** @return whether a monetary share limit is set */
    public boolean limitsValueShare() {
        return !Double.isNaN(maxValueShare);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof ExposureBudget)) {
            return false;
        }
        ExposureBudget b = (ExposureBudget) o;
        return maxRequests == b.maxRequests && Objects.equals(window, b.window)
                && Double.compare(maxValueShare, b.maxValueShare) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxRequests, window, maxValueShare);
    }

    @Override
    public String toString() {
        return "ExposureBudget{maxRequests=" + (limitsRequests() ? maxRequests : "unlimited")
                + (window != null ? ", window=" + window : "")
                + (limitsValueShare() ? ", maxValueShare=" + maxValueShare : "") + "}";
    }

    /** Builds an {@link ExposureBudget}. Not thread-safe. */
    public static final class Builder {
        private long maxRequests = UNLIMITED;
        private @Nullable Duration window;
        private double maxValueShare = Double.NaN;

        private Builder() {}

        /**
         * @param max the most requests the candidate may receive (in total, or per window)
         * @return this builder
         * @throws ConfigException if negative
         */
        public Builder maxRequests(long max) {
            if (max < 0) {
                throw new ConfigException("/max_requests", max, "must be >= 0");
            }
            this.maxRequests = max;
            return this;
        }

        /**
         * @param window makes the request limit apply per rolling window of this length
         * @return this builder
         * @throws ConfigException if shorter than one second
         */
        public Builder window(Duration window) {
            Objects.requireNonNull(window, "window");
            if (window.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new ConfigException("/window", window, "must be at least PT1S");
            }
            this.window = window;
            return this;
        }

        /**
         * @param share the largest share in {@code [0, 1]} of the monetary value
         * @return this builder
         * @throws ConfigException if outside {@code [0, 1]}
         */
        public Builder maxValueShare(double share) {
            if (!(share >= 0 && share <= 1)) {
                throw new ConfigException("/max_value_share", share, "must be between 0 and 1");
            }
            this.maxValueShare = share;
            return this;
        }

        /**
         * @return the budget
         * @throws ConfigException if a window is set without a request limit, or nothing is limited
         */
        public ExposureBudget build() {
            if (window != null && maxRequests == UNLIMITED) {
                throw new ConfigException("/window", window, "needs max_requests");
            }
            if (maxRequests == UNLIMITED && Double.isNaN(maxValueShare)) {
                throw new ConfigException("", null,
                        "a budget needs max_requests or max_value_share");
            }
            return new ExposureBudget(maxRequests, window, maxValueShare);
        }
    }
}
