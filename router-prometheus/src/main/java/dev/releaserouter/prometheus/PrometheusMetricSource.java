package dev.releaserouter.prometheus;

import dev.releaserouter.rollout.gates.ExternalMetric;
import dev.releaserouter.rollout.gates.ExternalMetricSource;
import dev.releaserouter.rollout.gates.ExternalQuery;
import dev.releaserouter.rollout.gates.ExternalReadings;
import dev.releaserouter.rollout.gates.GateInput;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a rollout policy's PromQL metrics from Prometheus: each policy {@code metrics} entry
 * whose {@code source} is {@code prometheus} (or the name given to {@link Builder#name}) is a
 * query, instant or range, templated by model and by the version of each arm, whose one number
 * the gates judge like any measurement (thresholds, severities, consecutive windows,
 * NOT_ENOUGH_DATA). Register it on the plan:
 *
 * <pre>{@code
 * PrometheusMetricSource prometheus = PrometheusMetricSource
 *         .builder(URI.create("http://prometheus.monitoring:9090"))
 *         .timeout(Duration.ofSeconds(5))
 *         .build();
 * RolloutPlan plan = RolloutPlan.builder().model("churn").stableVersion("v1")
 *         .candidateVersion("v2").stages(500, 2500, 5000, 10_000)
 *         .policy(Policy.load(Path.of("/etc/router/fleet-gates.yaml")))
 *         .metricSource(prometheus)
 *         .build();
 * }</pre>
 *
 * <p>A policy entry ({@code docs/ops.md} has the full reference):
 *
 * <pre>{@code
 * metrics:
 *   fleet_error_rate:
 *     source: prometheus
 *     query: 'sum(rate(router_arm_errors_total{model="{{model}}",version="{{version}}"}[5m]))
 *             / sum(rate(router_arm_requests_total{model="{{model}}",version="{{version}}"}[5m]))'
 *     samples: 'sum(increase(router_arm_requests_total{model="{{model}}",
 *               version="{{version}}"}[{{window}}]))'
 *   fleet_p95_ms:
 *     source: prometheus
 *     query: '1000 * histogram_quantile(0.95, sum by (le) (rate(...[1m])))'
 *     range: 10m
 *     step: 30s
 *     reduce: max
 * }</pre>
 *
 * <p>Per evaluation (one rollout tick), each distinct rendered query is sent once, all of them
 * concurrently, and read until the timeout: the results are cached for that tick only. A
 * query whose answer is an HTTP error, a timeout, a connection failure, an empty result, more
 * than one series or NaN gives no value, and the criteria that read it are NOT_ENOUGH_DATA with
 * that reason in the verdict (never a crash, never a PROCEED). Queries are evaluated at this
 * source's clock (wall time by default: Prometheus's samples are in wall time), not at the
 * controller's.
 *
 * <p>Design (concurrency): thread-safe. Immutable configuration; queries run on the JDK HTTP
 * client's threads and the calling thread waits for them with a deadline; the counters are
 * atomics and the last failure a volatile field, so {@link #failures()} and
 * {@link #lastFailure()} may be read from any thread (e.g. a health check). Parsed metric
 * definitions are cached in a concurrent map by policy entry.
 */
public final class PrometheusMetricSource implements ExternalMetricSource {

    /** The default source name, as policies write it: {@code "source": "prometheus"}. */
    public static final String NAME = "prometheus";

    private static final Logger LOG = LoggerFactory.getLogger(PrometheusMetricSource.class);

    private final String name;
    private final URI uri;
    private final Duration timeout;
    private final Clock clock;
    private final PrometheusApi api;
    private final ConcurrentHashMap<ExternalMetric, PromQlMetric> parsed =
            new ConcurrentHashMap<>();
    private final AtomicLong queries = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile @Nullable String lastFailure;
    private volatile boolean failing;

    private PrometheusMetricSource(Builder b) {
        this.name = b.name;
        this.uri = b.uri;
        this.timeout = b.timeout;
        this.clock = b.clock;
        HttpClient client = b.client != null ? b.client : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(b.timeout)
                .build();
        this.api = new PrometheusApi(client, b.uri, b.headers);
    }

    /**
     * Starts a source for one Prometheus server (or anything serving its HTTP API: Thanos
     * Query, Cortex, Mimir, VictoriaMetrics).
     *
     * @param uri the server's base URI, e.g. {@code http://prometheus:9090} (a path prefix is
     *     kept: {@code http://gw/prometheus/} queries {@code http://gw/prometheus/api/v1/query})
     * @return a builder with a 5-second timeout and the system clock
     * @throws NullPointerException if uri is null
     * @throws IllegalArgumentException if uri is not an absolute http or https URI
     */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Checks a policy entry: {@code query} is required; {@code range} (a duration) makes it a
     * range query, which then needs {@code reduce} ({@code max}, {@code min}, {@code avg},
     * {@code last}) and may set {@code step} (default range / 60, at least 1 s); optional
     * {@code samples} (a PromQL query of the units behind the value), {@code timeout} and
     * {@code description}; placeholders are {@code {{model}}}, {@code {{version}}},
     * {@code {{arm}}}, {@code {{stable}}}, {@code {{candidate}}}, {@code {{window}}}.
     *
     * @throws dev.releaserouter.api.config.ConfigException naming the policy file, the
     *     field's JSON pointer and the bad value
     */
    @Override
    public void validate(ExternalMetric metric) {
        definition(metric);
    }

    private PromQlMetric definition(ExternalMetric metric) {
        PromQlMetric d = parsed.get(metric);
        if (d == null) {
            d = PromQlMetric.of(metric, timeout);
            parsed.putIfAbsent(metric, d);
        }
        return d;
    }

    /**
     * Runs every metric's query (and samples query) for both arms, each distinct query once,
     * concurrently, and waits for them until the longest timeout has passed. Never throws for a
     * failed query: its reading is unavailable with the reason.
     *
     * @param metrics the policy's prometheus metrics
     * @param query the model, versions and window (the instant is this source's clock's)
     * @return a reading per metric and arm
     */
    @Override
    public ExternalReadings read(List<ExternalMetric> metrics, ExternalQuery query) {
        Instant now = clock.instant();
        long deadline = System.nanoTime();
        Map<String, CompletableFuture<PrometheusApi.Result>> calls = new LinkedHashMap<>();
        Map<String, String> failedDefinitions = new LinkedHashMap<>();
        Duration longest = Duration.ZERO;
        for (ExternalMetric m : metrics) {
            PromQlMetric d;
            try {
                d = definition(m);
            } catch (RuntimeException e) {
                failedDefinitions.put(m.name(), "invalid definition: " + e.getMessage());
                continue;
            }
            longest = d.timeout().compareTo(longest) > 0 ? d.timeout() : longest;
            for (String arm : List.of(GateInput.STABLE, GateInput.CANDIDATE)) {
                send(calls, d, d.query(), query, arm, now, d.isRange());
                if (d.samples() != null) {
                    send(calls, d, d.samples(), query, arm, now, false);
                }
            }
        }
        deadline += longest.plusSeconds(1).toNanos();
        ExternalReadings.Builder out = ExternalReadings.builder();
        for (ExternalMetric m : metrics) {
            String invalid = failedDefinitions.get(m.name());
            PromQlMetric d = invalid == null ? definition(m) : null;
            for (String arm : List.of(GateInput.STABLE, GateInput.CANDIDATE)) {
                if (d == null) {
                    out.put(arm, m.name(), ExternalReadings.Reading.unavailable(invalid));
                    continue;
                }
                out.put(arm, m.name(), reading(calls, d, query, arm, deadline));
            }
        }
        return out.build();
    }

    private void send(Map<String, CompletableFuture<PrometheusApi.Result>> calls,
            PromQlMetric d, PromQlTemplate template, ExternalQuery q, String arm, Instant now,
            boolean range) {
        String promql = template.render(q, arm);
        String key = key(d, promql, range);
        if (calls.containsKey(key)) {
            return; // cached for this tick: the same query is sent once
        }
        queries.incrementAndGet();
        Duration r = d.range();
        calls.put(key, range && r != null
                ? api.range(promql, now.minus(r), now, d.step(),
                        Objects.requireNonNull(d.reduce()), d.timeout())
                : api.instant(promql, now, d.timeout()));
    }

    private static String key(PromQlMetric d, String promql, boolean range) {
        return range ? "range " + d.range() + " " + d.step() + " " + d.reduce() + " " + promql
                : "instant " + promql;
    }

    private ExternalReadings.Reading reading(
            Map<String, CompletableFuture<PrometheusApi.Result>> calls, PromQlMetric d,
            ExternalQuery q, String arm, long deadline) {
        PrometheusApi.Result value = await(calls.get(key(d, d.query().render(q, arm),
                d.isRange())), d, deadline);
        if (!value.ok()) {
            return failed(d.name(), arm, "query", value.failure());
        }
        long samples = -1;
        if (d.samples() != null) {
            PrometheusApi.Result n = await(calls.get(key(d, d.samples().render(q, arm), false)),
                    d, deadline);
            if (!n.ok()) {
                return failed(d.name(), arm, "samples query", n.failure());
            }
            samples = Double.isInfinite(n.value()) || n.value() < 0 ? 0
                    : Math.round(n.value());
        }
        recovered();
        return ExternalReadings.Reading.of(value.value(), samples);
    }

    private static PrometheusApi.Result await(
            @Nullable CompletableFuture<PrometheusApi.Result> call, PromQlMetric d,
            long deadline) {
        if (call == null) {
            return PrometheusApi.Result.failed("no query was sent");
        }
        try {
            long left = Math.max(0, deadline - System.nanoTime());
            return call.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            return PrometheusApi.Result.failed("timed out after " + d.timeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PrometheusApi.Result.failed("interrupted while waiting for Prometheus");
        } catch (ExecutionException | RuntimeException e) {
            return PrometheusApi.Result.failed(String.valueOf(e.getCause() != null
                    ? e.getCause() : e));
        }
    }

    private ExternalReadings.Reading failed(String metric, String arm, String what,
            @Nullable String why) {
        String reason = "prometheus " + what + " of " + arm + " (" + metric + "): " + why;
        failures.incrementAndGet();
        lastFailure = reason;
        if (!failing) {
            failing = true;
            LOG.warn("Release Router: {}; the criteria that read it are NOT_ENOUGH_DATA (further "
                    + "failures are counted until a query succeeds)", reason);
        }
        return ExternalReadings.Reading.unavailable(reason);
    }

    private void recovered() {
        if (failing) {
            failing = false;
            LOG.info("Release Router: Prometheus queries at {} succeed again", uri);
        }
    }

    /** @return how many queries were sent (each distinct query once per evaluation) */
    public long queries() {
        return queries.get();
    }

    /** @return how many readings failed (HTTP error, timeout, empty or NaN result, ...) */
    public long failures() {
        return failures.get();
    }

    /** @return the reason of the last failed reading, empty if none failed */
    public Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    @Override
    public String toString() {
        return "PrometheusMetricSource{name=" + name + ", uri=" + uri + ", timeout=" + timeout
                + "}";
    }

    /** Builds a {@link PrometheusMetricSource}. Not thread-safe. */
    public static final class Builder {
        private final URI uri;
        private String name = NAME;
        private Duration timeout = Duration.ofSeconds(5);
        private Clock clock = Clock.systemUTC();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private @Nullable HttpClient client;

        private Builder(URI uri) {
            Objects.requireNonNull(uri, "uri");
            String scheme = uri.getScheme();
            if (!uri.isAbsolute() || uri.getHost() == null
                    || !("http".equals(scheme) || "https".equals(scheme))) {
                throw new IllegalArgumentException("uri must be an absolute http or https URI "
                        + "such as http://prometheus:9090, but was " + uri);
            }
            this.uri = uri;
        }

        /**
         * @param name the name policies give in {@code source}; default {@value #NAME} (use
         *     another to query two servers from one policy)
         * @return this builder
         * @throws IllegalArgumentException if blank
         */
        public Builder name(String name) {
            if (Objects.requireNonNull(name, "name").isBlank()) {
                throw new IllegalArgumentException("name must not be blank, but was '" + name
                        + "'");
            }
            this.name = name;
            return this;
        }

        /**
         * @param timeout how long a query may take (connection included) unless its policy
         *     entry sets {@code timeout}; passed to Prometheus too; 1 ms to 5 minutes, default
         *     5 seconds
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.toMillis() < 1 || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("timeout must be between 1 ms and 5 minutes,"
                        + " but was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * @param clock the clock queries are evaluated at; the system clock by default
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param name a header sent with every query, e.g. {@code Authorization}
         * @param value its value, e.g. {@code Bearer <token>} (never logged)
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"),
                    Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * @param client the JDK HTTP client to send queries with (e.g. one with TLS settings);
         *     by default one of this source's own, HTTP/1.1, connect timeout = the timeout
         * @return this builder
         */
        public Builder httpClient(HttpClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** @return the source */
        public PrometheusMetricSource build() {
            return new PrometheusMetricSource(this);
        }
    }
}
