package dev.releaserouter.redis;

import dev.releaserouter.api.spi.MeasurementWindowStore;
import dev.releaserouter.api.spi.WindowSummary;
import dev.releaserouter.rollout.measure.WindowSummaryJson;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The fleet's measurement windows in Redis: one hash per model and window start
 * ({@code <prefix>windows:<model>:<start millis>}, field {@code <version> NUL <source>}, value
 * the source's summary as JSON), plus one sorted set per model indexing the window starts. An
 * append replaces that source's summary (a retried append is not counted twice); a read merges
 * every source's summary per version and window.
 *
 * <p>Retention: the index keeps the latest {@code retainedWindows} starts per model (older ones
 * are trimmed on append and no longer read) and each window hash expires {@code ttl} after its
 * last append, so Redis memory stays bounded even for a model that stops reporting.
 *
 * <p>Thread-safe: each append is one Lua script (atomic in Redis); the store keeps no state of
 * its own. Not on the request path; every call waits at most the timeout and throws
 * {@link IllegalStateException} (naming the cause) when Redis fails or does not answer in time.
 */
final class RedisMeasurementWindowStore implements MeasurementWindowStore {

    /** KEYS window hash, index; ARGV field, json, ttl millis, start, retained. */
    private static final String APPEND = """
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            redis.call('ZADD', KEYS[2], ARGV[4], ARGV[4])
            redis.call('PEXPIRE', KEYS[2], ARGV[3])
            redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -1 - tonumber(ARGV[5]))
            return 1
            """;

    /** The current connection; throws (unchecked) while the fleet is not connected. */
    private final Supplier<StatefulRedisConnection<String, String>> connection;
    /** How appends are sent: with replica acknowledgements if the fleet asks for them. */
    private final ReplicatedWrites writes;
    private final String prefix;
    private final int retained;
    private final Duration ttl;
    private final Duration timeout;

    /**
     * @param connection the current connection, e.g. the fleet's (it throws while not
     *     connected); not closed by the store
     * @param prefix the fleet's key prefix
     * @param retainedWindows window starts kept per model, positive
     * @param ttl how long a window is kept after its last append, positive
     * @param timeout the most one call waits, positive
     * @throws IllegalArgumentException if a number is out of range
     */
    RedisMeasurementWindowStore(Supplier<StatefulRedisConnection<String, String>> connection,
            String prefix, int retainedWindows, Duration ttl, Duration timeout) {
        this(connection, ReplicatedWrites.unacknowledged(connection), prefix, retainedWindows,
                ttl, timeout);
    }

    /**
     * @param writes how appends are sent (the fleet's: an append not acknowledged by enough
     *     replicas throws {@link UnconfirmedWriteException}, so the caller keeps the window and
     *     appends it again; appends replace, so that is never counted twice); the other
     *     arguments as above
     */
    RedisMeasurementWindowStore(Supplier<StatefulRedisConnection<String, String>> connection,
            ReplicatedWrites writes, String prefix, int retainedWindows, Duration ttl,
            Duration timeout) {
        Objects.requireNonNull(connection, "connection");
        this.connection = connection;
        this.writes = Objects.requireNonNull(writes, "writes");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        if (retainedWindows <= 0) {
            throw new IllegalArgumentException("retainedWindows must be positive, but was "
                    + retainedWindows);
        }
        if (ttl.isZero() || ttl.isNegative() || timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("ttl and timeout must be positive, but were "
                    + ttl + " and " + timeout);
        }
        this.retained = retainedWindows;
        this.ttl = ttl;
        this.timeout = timeout;
    }

    private String index(String model) {
        return prefix + "windows:" + model.length() + ":" + model;
    }

    private String window(String model, long startMillis) {
        return index(model) + ":" + startMillis;
    }

    @Override
    public void append(WindowSummary summary) {
        Objects.requireNonNull(summary, "summary");
        if (summary.sources().size() != 1) {
            throw new IllegalArgumentException("an appended summary has exactly one source, but "
                    + "had " + summary.sources());
        }
        String source = summary.sources().iterator().next();
        long start = summary.start().toEpochMilli();
        String json = encode(summary);
        await(writes.send("measurement window append", c -> c.eval(APPEND,
                ScriptOutputType.INTEGER,
                new String[] {window(summary.model(), start), index(summary.model())},
                summary.version() + '\u0000' + source, json,
                Long.toString(ttl.toMillis()), Long.toString(start),
                Integer.toString(retained))));
    }

    @Override
    public List<WindowSummary> read(String model, Instant from, Instant to) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        List<WindowSummary> out = new ArrayList<>();
        if (!from.isBefore(to)) {
            return out;
        }
        List<String> starts = await(connection.get().async().zrangebyscore(index(model),
                Range.create((double) from.toEpochMilli(), (double) to.toEpochMilli())));
        for (String start : starts) {
            long millis = Long.parseLong(start);
            if (millis >= to.toEpochMilli()) {
                continue; // the range is inclusive at both ends; to is exclusive
            }
            Map<String, String> fields = await(connection.get().async().hgetall(window(model,
                    millis)));
            Map<String, WindowSummary> byVersion = new TreeMap<>();
            for (String json : fields.values()) {
                WindowSummary s = decode(json);
                byVersion.merge(s.version(), s, (a, b) -> a.sameWindow(b) ? a.merge(b)
                        : b.length().compareTo(a.length()) > 0 ? b : a);
            }
            out.addAll(byVersion.values());
        }
        out.sort(Comparator.comparing(WindowSummary::start).thenComparing(WindowSummary::version));
        return out;
    }

    static String encode(WindowSummary s) {
        return WindowSummaryJson.encode(s);
    }

    static WindowSummary decode(String json) {
        return WindowSummaryJson.decode(json);
    }

    private <T> T await(Future<T> future) {
        try {
            return future.get(timeout.plus(writes.extraWait()).toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Redis", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnconfirmedWriteException u) {
                throw u; // the caller keeps the window and appends it again
            }
            throw new IllegalStateException("Redis failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Redis did not answer within " + timeout, e);
        }
    }
}
