package dev.releaserouter.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis connections of one {@link RedisFleet}, shared by every SPI implementation it hands
 * out: one Lettuce client, one command connection, one pub/sub connection, one maintenance
 * thread and one notifier thread, plus the fleet's health (what {@link FleetStatus} shows).
 *
 * <p>An implementation calls Redis only through {@link #call}: it bounds the wait (Lettuce's
 * command timeout), turns every Redis failure into an {@link UncheckedIOException} with a clear
 * message, and records the health. Periodic work (polling for missed changes) registers with
 * {@link #onTick}; messages of a channel with {@link #subscribe}.
 *
 * <p>Design (concurrency): the connections are volatile fields, null until the first connect
 * succeeds. Redis unreachable at construction does not throw: the maintenance thread retries
 * every {@link #TICK} until it connects; from then on Lettuce reconnects by itself (delay 10 ms
 * doubling to 250 ms). Commands issued while disconnected are rejected at once
 * ({@code REJECT_COMMANDS}) rather than queued, and the request queue is bounded, so no caller
 * ever waits longer than the command timeout and nothing grows without bound. Health counters
 * are atomics; the degraded flag flips with a compare-and-set so each degradation is logged and
 * counted once. Lettuce callbacks (pub/sub messages, connection events) run on Netty threads and
 * only hand work to the fleet's own threads; they never call Redis synchronously.
 *
 * <p>Sentinel ({@code redis-sentinel://host:port[,host:port]#master}): Lettuce asks a Sentinel
 * for the primary's address at every (re)connect, so after a failover both connections (and the
 * pub/sub subscriptions, re-sent by Lettuce) follow the new primary. A primary demoted by Sentinel
 * has its clients disconnected by Sentinel itself, so they reconnect too.
 *
 * <p>Writes a failover must not lose go through {@link #write} (or {@link #writes()}): with
 * replica acknowledgements on, a third connection of its own carries each write and its
 * {@code WAIT} (so that reads never queue behind a {@code WAIT}), without auto-reconnect (so
 * that nothing in flight is carried over to another primary); the maintenance tick connects a
 * new one while the command connection is up (see {@link ReplicatedWrites}).
 */
final class RedisConnections implements AutoCloseable {

    /** How often the maintenance thread connects (if needed) and runs the registered ticks. */
    static final Duration TICK = Duration.ofMillis(200);

    private static final Logger LOG = LoggerFactory.getLogger(RedisConnections.class);
    private static final int REQUEST_QUEUE = 10_000;

    private final RedisURI uri;
    private final String where;
    private final Duration commandTimeout;
    private final String keyPrefix;
    private final String instanceId;
    private final Clock clock;
    private final ClientResources resources;
    private final RedisClient client;
    private final @Nullable RedisClient ackClient;
    private final ReplicatedWrites writes;
    private final ScheduledExecutorService maintenance;
    private final ThreadPoolExecutor notifier;
    private final Map<String, Consumer<String>> channels = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Runnable> ticks = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean degraded = new AtomicBoolean();
    private final AtomicLong degradations = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile @Nullable StatefulRedisConnection<String, String> connection;
    private volatile @Nullable StatefulRedisPubSubConnection<String, String> pubSub;
    private volatile @Nullable StatefulRedisConnection<String, String> acked;
    private volatile @Nullable String lastError;
    private volatile @Nullable Instant lastSuccess;

    RedisConnections(String redisUri, Duration commandTimeout, String keyPrefix,
            String instanceId, Clock clock) {
        this(redisUri, commandTimeout, keyPrefix, instanceId, clock, 0, Duration.ZERO);
    }

    /**
     * @param replicaAcks how many replicas must acknowledge each write that must survive a
     *     failover (0: none, writes are done when the primary answers)
     * @param ackWait how long a write waits for them ({@code WAIT}'s timeout)
     */
    RedisConnections(String redisUri, Duration commandTimeout, String keyPrefix,
            String instanceId, Clock clock, int replicaAcks, Duration ackWait) {
        this.uri = RedisURI.create(redisUri);
        this.where = describe(uri);
        this.commandTimeout = commandTimeout;
        this.keyPrefix = keyPrefix;
        this.instanceId = instanceId;
        this.clock = clock;
        this.uri.setTimeout(commandTimeout);
        this.resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofMillis(250),
                        2, TimeUnit.MILLISECONDS))
                .ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(options(true, commandTimeout));
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress address) {
                tickSoon(); // catch up at once with what was missed while disconnected
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> c) {
                // Ours only: with Sentinel, every (re)connect opens and closes a connection to a
                // Sentinel to look the primary up, which is not a degradation.
                if (!closed.get() && (c == connection || c == pubSub)) {
                    failed("connection lost");
                }
            }
        });
        if (replicaAcks > 0) {
            // Any command on this connection may queue behind a WAIT: its timeout includes one.
            // No auto-reconnect: never carry a WAIT over to another primary.
            this.ackClient = RedisClient.create(resources, uri);
            ackClient.setOptions(options(false, commandTimeout.plus(ackWait)));
            ackClient.addListener(new RedisConnectionStateListener() {
                @Override
                public void onRedisDisconnected(RedisChannelHandler<?, ?> c) {
                    tickSoon(); // connect a new one (to whichever node is primary now)
                }
            });
            this.writes = new ReplicatedWrites(this::ackedConnection, replicaAcks, ackWait,
                    where);
        } else {
            this.ackClient = null;
            this.writes = ReplicatedWrites.unacknowledged(this::current);
        }
        this.maintenance = Executors.newSingleThreadScheduledExecutor(
                daemon("release-router-redis-" + instanceId));
        this.notifier = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(1_024), daemon("release-router-redis-notify-"
                        + instanceId), new ThreadPoolExecutor.AbortPolicy());
        connect();
        maintenance.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Commands rejected while disconnected (never queued), a bounded request queue, a command
     * timeout, the connect timeout of a command.
     */
    private ClientOptions options(boolean autoReconnect, Duration timeout) {
        return ClientOptions.builder()
                .autoReconnect(autoReconnect)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(REQUEST_QUEUE)
                .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build();
    }

    /** @return the deployment, for messages: never the credentials */
    private static String describe(RedisURI uri) {
        if (uri.getSentinelMasterId() != null && !uri.getSentinels().isEmpty()) {
            return "Redis primary '" + uri.getSentinelMasterId() + "' via Sentinel "
                    + uri.getSentinels().stream().map(s -> s.getHost() + ":" + s.getPort())
                            .collect(Collectors.joining(","));
        }
        return "Redis at " + uri.getHost() + ":" + uri.getPort();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * The command connection for the stores that issue their own (asynchronous) commands.
     *
     * @return the current connection
     * @throws UncheckedIOException if Redis is not connected (yet), counted as a failure
     * @throws IllegalStateException if the fleet is closed
     */
    StatefulRedisConnection<String, String> current() {
        if (closed.get()) {
            throw new IllegalStateException("the Redis fleet is closed");
        }
        StatefulRedisConnection<String, String> c = connection;
        if (c == null) {
            failures.incrementAndGet();
            throw new UncheckedIOException(new IOException(where + " is not connected; last"
                    + " error: " + lastError));
        }
        return c;
    }

    /** @return whether the fleet was closed */
    boolean isClosed() {
        return closed.get();
    }

    /** @return the command timeout every call is bounded by */
    Duration commandTimeout() {
        return commandTimeout;
    }

    /** @return the key prefix every key of this fleet starts with */
    String keyPrefix() {
        return keyPrefix;
    }

    /** @return this instance's id */
    String instanceId() {
        return instanceId;
    }

    /** @return the fleet's clock */
    Clock clock() {
        return clock;
    }

    /**
     * Runs one Redis call on the command connection, bounded by the command timeout.
     *
     * @param what what the call does, for the error message (e.g. "override compare-and-set")
     * @param call the call
     * @return what the call returned
     * @throws UncheckedIOException if Redis is not connected, times out or fails
     */
    <T> T call(String what, Function<RedisCommands<String, String>, T> call) {
        StatefulRedisConnection<String, String> c = connection;
        if (closed.get()) {
            throw new IllegalStateException("the Redis fleet is closed (" + what + ")");
        }
        if (c == null) {
            String m = where + " is not connected (" + what + "); last error: " + lastError;
            failures.incrementAndGet();
            throw new UncheckedIOException(new IOException(m));
        }
        try {
            T result = call.apply(c.sync());
            succeeded();
            return result;
        } catch (RedisCommandTimeoutException e) {
            String m = where + " did not answer " + what + " within " + commandTimeout.toMillis()
                    + " ms";
            failed(m);
            throw new UncheckedIOException(new IOException(m, e));
        } catch (io.lettuce.core.RedisException e) {
            String m = where + " failed " + what + ": " + e.getMessage();
            failed(m);
            throw new UncheckedIOException(new IOException(m, e));
        }
    }

    /**
     * The connection of acknowledged writes: open, or an exception (the maintenance tick
     * connects a new one: at once after a disconnect, else within {@link #TICK}).
     *
     * @throws UncheckedIOException if there is none now, counted as a failure
     * @throws IllegalStateException if the fleet is closed
     */
    private StatefulRedisConnection<String, String> ackedConnection() {
        current(); // closed or not connected at all: that error
        StatefulRedisConnection<String, String> a = acked;
        if (a == null || !a.isOpen()) {
            failures.incrementAndGet();
            throw new UncheckedIOException(new IOException(where + " has no connection for "
                    + "acknowledged writes yet (reconnecting); last error: " + lastError));
        }
        return a;
    }

    /** @return how the writes a failover must not lose are sent (see {@link ReplicatedWrites}) */
    ReplicatedWrites writes() {
        return writes;
    }

    /** @return the deployment, for messages (e.g. "Redis at 127.0.0.1:6379"), no credentials */
    String where() {
        return where;
    }

    /**
     * Runs one write a failover must not lose: like {@link #call}, but through
     * {@link #writes()}, so that with replica acknowledgements on it is done only once they came.
     *
     * @param what what the write does, for the error message
     * @param write the write, on the asynchronous commands
     * @return what the write returned
     * @throws UnconfirmedWriteException if it was written but too few replicas acknowledged it
     * @throws UncheckedIOException if Redis is not connected, times out or fails, or the
     *     replicas lag (then nothing was sent)
     */
    <T> T write(String what, Function<RedisAsyncCommands<String, String>, RedisFuture<T>> write) {
        if (closed.get()) {
            throw new IllegalStateException("the Redis fleet is closed (" + what + ")");
        }
        CompletableFuture<T> f;
        try {
            f = writes.send(what, write);
        } catch (UncheckedIOException e) {
            String m = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
            throw new UncheckedIOException(new IOException(m + " (" + what + ")", e));
        }
        Duration bound = commandTimeout.plus(writes.extraWait()).plus(commandTimeout);
        try {
            T result = f.get(bound.toNanos(), TimeUnit.NANOSECONDS);
            succeeded();
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted during " + what, e));
        } catch (TimeoutException e) {
            String m = where + " did not answer " + what + " within " + bound.toMillis() + " ms";
            failed(m);
            throw new UncheckedIOException(new IOException(m, e));
        } catch (ExecutionException e) {
            Throwable cause = ReplicatedWrites.unwrap(e);
            if (cause instanceof UnconfirmedWriteException u) {
                succeeded(); // the primary answered: connected, but the write is not safe
                failures.incrementAndGet();
                lastError = u.getMessage();
                throw u;
            }
            if (cause instanceof UncheckedIOException u) {
                failures.incrementAndGet(); // not sent: the replicas lag
                lastError = u.getCause() == null ? u.getMessage() : u.getCause().getMessage();
                throw u;
            }
            String m = cause instanceof RedisCommandTimeoutException
                    ? where + " did not answer " + what + " within "
                            + commandTimeout.plus(writes.extraWait()).toMillis() + " ms"
                    : where + " failed " + what + ": " + cause.getMessage();
            failed(m);
            throw new UncheckedIOException(new IOException(m, cause));
        }
    }

    /**
     * Calls the consumer with every message of the channel, on the notifier thread, from now on
     * (and again after a reconnect: Lettuce re-subscribes). One consumer per channel.
     */
    void subscribe(String channel, Consumer<String> consumer) {
        channels.put(channel, consumer);
        StatefulRedisPubSubConnection<String, String> p = pubSub;
        if (p != null) {
            p.async().subscribe(channel);
        }
    }

    /** Runs the task on every maintenance tick (after connecting), and after a reconnect. */
    void onTick(Runnable task) {
        ticks.add(task);
    }

    /**
     * Runs the task on the notifier thread (one thread: tasks never overlap).
     *
     * @return false if the notifier is saturated or closed (the task did not run)
     */
    boolean dispatch(Runnable task) {
        try {
            notifier.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Asks for a maintenance tick now (e.g. after a reconnect or a sign of a missed change). */
    void tickSoon() {
        try {
            maintenance.execute(this::tick);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** @return the fleet's health now */
    FleetStatus status(long lastOverrideRevision) {
        StatefulRedisConnection<String, String> c = connection;
        Instant last = lastSuccess;
        Duration lag = last == null ? Duration.ZERO : Duration.between(last, clock.instant());
        if (lag.isNegative()) {
            lag = Duration.ZERO;
        }
        boolean up = c != null && c.isOpen() && !degraded.get() && !closed.get();
        return new FleetStatus(up, lastError, degradations.get(), failures.get(),
                lastOverrideRevision, lag, 0, null, 0);
    }

    private void tick() {
        if (closed.get()) {
            return;
        }
        try {
            connect();
            if (connection == null) {
                return;
            }
            if (ticks.isEmpty()) {
                call("PING", RedisCommands::ping);
            }
            writes.probe(commandTimeout);
            for (Runnable t : ticks) {
                t.run();
            }
        } catch (Throwable t) {
            // Background: contained; the failure is already counted by call().
            LOG.debug("Release Router: Redis maintenance tick failed: {}", t.toString());
        }
    }

    /** Connects what is not connected yet; never throws (a failure is counted). */
    private synchronized void connect() {
        if (closed.get()) {
            return;
        }
        if (connection == null) {
            try {
                connection = client.connect();
                succeeded();
            } catch (RuntimeException e) {
                failed(where + " is unreachable: " + e.getMessage());
                return;
            }
        }
        StatefulRedisConnection<String, String> a = acked;
        if (ackClient != null && (a == null || !a.isOpen())) {
            StatefulRedisConnection<String, String> c = connection;
            if (c != null && c.isOpen()) { // a primary is reachable (else this would fail too)
                try {
                    acked = ackClient.connect();
                    closeQuietly(a);
                } catch (RuntimeException e) {
                    failed(where + " is unreachable (acknowledged writes): " + e.getMessage());
                }
            }
        }
        if (pubSub == null) {
            try {
                StatefulRedisPubSubConnection<String, String> p = client.connectPubSub();
                p.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        Consumer<String> c = channels.get(channel);
                        if (c != null && !dispatch(() -> deliver(c, message))) {
                            tickSoon(); // saturated: the poll catches up
                        }
                    }

                    @Override
                    public void subscribed(String channel, long count) {
                        tickSoon(); // (re)subscribed: read what may have been missed
                    }
                });
                if (!channels.isEmpty()) {
                    p.async().subscribe(channels.keySet().toArray(String[]::new));
                }
                pubSub = p;
            } catch (RuntimeException e) {
                failed(where + " is unreachable (pub/sub): " + e.getMessage());
            }
        }
    }

    private static void deliver(Consumer<String> consumer, String message) {
        try {
            consumer.accept(message);
        } catch (Throwable t) {
            LOG.warn("Release Router: a Redis message handler failed: {}", t.toString());
        }
    }

    private void succeeded() {
        lastSuccess = clock.instant();
        if (degraded.compareAndSet(true, false)) {
            LOG.info("Release Router: {} is reachable again (instance {})", where, instanceId);
        }
    }

    private void failed(String message) {
        if (closed.get()) {
            return; // closing interrupts calls in flight: not a degradation
        }
        failures.incrementAndGet();
        lastError = message;
        if (degraded.compareAndSet(false, true)) {
            degradations.incrementAndGet();
            LOG.warn("Release Router: fleet mode degraded, {} (instance {}); requests keep "
                    + "their local state, changes from other instances wait until Redis is "
                    + "back", message, instanceId);
        }
    }

    /** Closes the connections and threads. Idempotent; never throws. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        maintenance.shutdownNow();
        notifier.shutdownNow();
        synchronized (this) {
            closeQuietly(pubSub);
            closeQuietly(acked);
            closeQuietly(connection);
        }
        try {
            if (ackClient != null) {
                ackClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            LOG.debug("Release Router: Redis client shutdown: {}", e.toString());
        }
    }

    private static void closeQuietly(@Nullable AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("Release Router: closing a Redis connection: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        return "RedisConnections[" + where + ", prefix " + Objects.toString(keyPrefix) + "]";
    }
}
