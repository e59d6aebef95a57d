package dev.releaserouter.prometheus;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prometheus's HTTP query API ({@code /api/v1/query}, {@code /api/v1/query_range}) over the
 * JDK HTTP client, answering one number per query or the reason there is none: an HTTP error
 * with Prometheus's {@code errorType} and {@code error}, a timeout, a connection failure, an
 * empty result, more than one series, NaN.
 *
 * <p>Thread-safe: immutable, and the JDK client may be shared.
 */
final class PrometheusApi {

    /** Answers larger than this are refused unread (a query that matched far too many series). */
    static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client;
    private final URI base;
    private final Map<String, String> headers;

    PrometheusApi(HttpClient client, URI base, Map<String, String> headers) {
        this.client = client;
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b : b + "/");
        this.headers = Map.copyOf(headers);
    }

    /** One query's answer: a value, or the reason it has none. */
    record Result(double value, @Nullable String failure) {

        static Result of(double value) {
            return new Result(value, null);
        }

        static Result failed(String why) {
            return new Result(Double.NaN, why);
        }

        boolean ok() {
            return failure == null;
        }
    }

    /**
     * An instant query.
     *
     * @param query the PromQL
     * @param at the evaluation instant
     * @param timeout how long Prometheus and the client may take
     * @return the answer; never completes exceptionally
     */
    CompletableFuture<Result> instant(String query, Instant at, Duration timeout) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("query", query);
        form.put("time", seconds(at));
        form.put("timeout", Math.max(1, timeout.toMillis()) + "ms");
        return post("api/v1/query", form, timeout, body -> single(body, null));
    }

    /**
     * A range query reduced to one value.
     *
     * @param query the PromQL
     * @param start the range's start
     * @param end the range's end
     * @param step the resolution
     * @param reduce how the points become one value
     * @param timeout how long Prometheus and the client may take
     * @return the answer; never completes exceptionally
     */
    CompletableFuture<Result> range(String query, Instant start, Instant end, Duration step,
            PromQlMetric.Reduce reduce, Duration timeout) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("query", query);
        form.put("start", seconds(start));
        form.put("end", seconds(end));
        form.put("step", step.toMillis() / 1000.0 + "");
        form.put("timeout", Math.max(1, timeout.toMillis()) + "ms");
        return post("api/v1/query_range", form, timeout, body -> single(body, reduce));
    }

    private interface Parser {
        Result parse(JsonNode data);
    }

    private CompletableFuture<Result> post(String path, Map<String, String> form,
            Duration timeout, Parser parser) {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        URI uri = base.resolve(path);
        HttpRequest.Builder req = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        headers.forEach(req::header);
        CompletableFuture<HttpResponse<InputStream>> sent;
        try {
            sent = client.sendAsync(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Result.failed(uri + ": " + e));
        }
        return sent.handle((response, error) -> {
            if (error != null) {
                return Result.failed(describe(uri, error, timeout));
            }
            try (InputStream in = response.body()) {
                byte[] bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
                if (bytes.length > MAX_RESPONSE_BYTES) {
                    return Result.failed("the answer is larger than " + MAX_RESPONSE_BYTES
                            + " bytes (does the query return one series?)");
                }
                return answer(response.statusCode(), bytes, parser);
            } catch (IOException e) {
                return Result.failed(describe(uri, e, timeout));
            } catch (RuntimeException e) {
                return Result.failed("cannot read the answer of " + uri + ": " + e);
            }
        });
    }

    private static Result answer(int status, byte[] bytes, Parser parser) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JacksonException e) {
            String text = new String(bytes, 0, Math.min(bytes.length, 200),
                    StandardCharsets.UTF_8);
            return Result.failed("HTTP " + status + ", not a Prometheus API answer: " + text);
        }
        if (root == null || !root.isObject()) {
            return Result.failed("HTTP " + status + ", not a Prometheus API answer");
        }
        if (status / 100 != 2 || !"success".equals(text(root, "status"))) {
            return Result.failed("HTTP " + status + " " + text(root, "errorType") + ": "
                    + text(root, "error"));
        }
        JsonNode data = root.get("data");
        if (data == null || !data.isObject()) {
            return Result.failed("HTTP " + status + ", an answer without data");
        }
        return parser.parse(data);
    }

    /** The one value of a vector, scalar or (reduced) matrix result. */
    private static Result single(JsonNode data, PromQlMetric.@Nullable Reduce reduce) {
        String type = text(data, "resultType");
        JsonNode result = data.get("result");
        if (result == null || !result.isArray()) {
            return Result.failed("an answer without a result");
        }
        if (type.equals("scalar")) {
            return value(result);
        }
        if (!type.equals("vector") && !type.equals("matrix")) {
            return Result.failed("a " + type + " result; the query must give a number");
        }
        if (result.isEmpty()) {
            return Result.failed("empty result: no series matched");
        }
        if (result.size() > 1) {
            return Result.failed(result.size() + " series (" + labels(result.get(0)) + ", ...);"
                    + " aggregate the query to one series, e.g. sum(...)");
        }
        JsonNode series = result.get(0);
        if (type.equals("vector")) {
            return value(series.get("value"));
        }
        JsonNode values = series.get("values");
        if (values == null || !values.isArray()) {
            return Result.failed("a matrix series without values");
        }
        return reduce(values, reduce == null ? PromQlMetric.Reduce.LAST : reduce);
    }

    private static Result reduce(JsonNode points, PromQlMetric.Reduce reduce) {
        double acc = Double.NaN;
        double sum = 0;
        int n = 0;
        for (JsonNode p : points) {
            Result r = value(p);
            if (!r.ok() || Double.isNaN(r.value())) {
                continue;
            }
            double v = r.value();
            n++;
            sum += v;
            acc = switch (reduce) {
                case MAX -> n == 1 ? v : Math.max(acc, v);
                case MIN -> n == 1 ? v : Math.min(acc, v);
                case LAST -> v;
                case AVG -> sum / n;
            };
        }
        if (n == 0) {
            return Result.failed("no point of the range has a value");
        }
        return Result.of(acc);
    }

    /** A {@code [time, "value"]} pair. */
    private static Result value(@Nullable JsonNode pair) {
        if (pair == null || !pair.isArray() || pair.size() != 2 || !pair.get(1).isString()) {
            return Result.failed("a sample that is not [time, \"value\"]");
        }
        double v;
        try {
            v = Double.parseDouble(pair.get(1).stringValue().replace("Inf", "Infinity"));
        } catch (NumberFormatException e) {
            return Result.failed("a sample value that is not a number: " + pair.get(1));
        }
        if (Double.isNaN(v)) {
            return Result.failed("the value is NaN (e.g. 0/0: no traffic in the range)");
        }
        return Result.of(v);
    }

    private static String labels(JsonNode series) {
        JsonNode m = series.get("metric");
        return m == null ? "{}" : m.toString();
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null ? "" : v.isString() ? v.stringValue() : v.toString();
    }

    private static String describe(URI uri, Throwable error, Duration timeout) {
        Throwable t = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
        if (t instanceof HttpTimeoutException) {
            return "timed out after " + timeout + " (" + uri + ")";
        }
        if (t instanceof ConnectException) {
            return "cannot connect to " + uri + ": " + (t.getMessage() != null ? t.getMessage()
                    : t.toString());
        }
        return uri + ": " + t;
    }

    /** Seconds since the epoch with millisecond precision, as the API takes them. */
    private static String seconds(Instant t) {
        return String.format(java.util.Locale.ROOT, "%d.%03d", t.getEpochSecond(),
                t.getNano() / 1_000_000);
    }
}
