package dev.releaserouter.redis;

import dev.releaserouter.api.ComponentStatus;
import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.api.config.FlagSource;
import dev.releaserouter.api.spi.BudgetLedger;
import dev.releaserouter.api.spi.Lease;
import dev.releaserouter.api.spi.MeasurementWindowStore;
import dev.releaserouter.api.spi.OverrideStore;
import dev.releaserouter.core.audit.AuditVerification;
import dev.releaserouter.rollout.RolloutStateStore;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Fleet mode on Redis: the entry point. One {@code RedisFleet} per instance of a serving app
 * owns one Lettuce client and its connections (commands, pub/sub; auto-reconnect on) and hands
 * out the router's SPI implementations over them, so every instance shares one kill switch, one
 * rollout and (with the other SPIs) one budget and one audit trail.
 *
 * <pre>{@code
 * RedisFleet fleet = RedisFleet.builder("redis://redis:6379").build();
 * ReleaseRouter router = ReleaseRouter.builder()...overrideStore(fleet.overrideStore()).build();
 * RolloutController c = Rollouts.builder(admin, plan).stateStore(fleet.rolloutStateStore())
 *         .lease(RolloutLease.of(fleet.lease(), Duration.ofSeconds(30))).start();
 * }</pre>
 *
 * <p>Fail safe: {@link Builder#build()} does not throw when Redis is unreachable; the fleet keeps
 * trying to connect in the background, the application starts on its local state (the router
 * answers from its flag file), {@link #status()} says disconnected, and everything catches up
 * when Redis is back. Every Redis call is bounded by the command timeout and throws an
 * {@link java.io.UncheckedIOException} naming Redis and the operation when it fails, which the
 * router contains (admin changes are refused, decisions are never affected). See
 * {@code docs/fleet.md} for the guarantees and the failure table.
 *
 * <p>Thread-safe. The stores it hands out are created once and shared; closing them is
 * harmless, closing the fleet closes the connections under all of them. Not intended for
 * external extension.
 */
public final class RedisFleet implements AutoCloseable {

    private final RedisConnections connections;
    private final RedisOverrideStore overrideStore;
    private final RedisLease lease;
    private final RedisRolloutStateStore rolloutStateStore;
    private final RedisBudgetLedger budgetLedger;
    private final RedisMeasurementWindowStore windowStore;
    private final DeferringAuditSink auditSink;

    private RedisFleet(Builder b) {
        this.connections = new RedisConnections(b.redisUri, b.commandTimeout, b.keyPrefix,
                b.instanceId, b.clock, b.replicaAcks, b.replicaAckTimeout);
        this.overrideStore = new RedisOverrideStore(connections);
        this.lease = new RedisLease(connections);
        this.rolloutStateStore = new RedisRolloutStateStore(connections);
        ReplicatedWrites writes = connections.writes();
        this.budgetLedger = new RedisBudgetLedger(connections::current, writes, b.keyPrefix,
                connections.instanceId(), b.commandTimeout, b.budgetAllotment, b.clock);
        this.windowStore = new RedisMeasurementWindowStore(connections::current, writes,
                b.keyPrefix, b.retainedWindows, b.windowTtl, b.commandTimeout);
        this.auditSink = new DeferringAuditSink(new RedisAuditSink(connections::current, writes,
                b.keyPrefix, connections.instanceId(), b.commandTimeout),
                b.deferredAuditCapacity, b.deferredAuditSpool);
        connections.onTick(auditSink::replay);
    }

    /**
     * @param redisUri the Redis URI, e.g. {@code redis://localhost:6379} (Lettuce's syntax:
     *     {@code rediss://} for TLS, {@code redis://user:password@host:port/db}), or, for a
     *     primary with replicas watched by Sentinel, {@code
     *     redis-sentinel://[password@]sentinel1:26379[,sentinel2:26379...][/db]#master} (the
     *     Sentinels' addresses and the master's name; {@code rediss-sentinel://} for TLS): the
     *     fleet asks a Sentinel for the primary at every (re)connect, so it follows a failover;
     *     see {@link Builder#replicaAcks} for what a failover may lose
     * @return a builder with the defaults: a generated instance id, a 500 ms command timeout,
     *     the key prefix {@code release-router:}, the system clock, no replica acknowledgements
     * @throws NullPointerException if redisUri is null
     * @throws IllegalArgumentException if redisUri is not a Redis URI, or a Sentinel URI
     *     without the master's name
     */
    public static Builder builder(String redisUri) {
        return new Builder(redisUri);
    }

    /**
     * @return the fleet's override store: kill switches and weights shared by every instance;
     *     the same instance on every call
     */
    public OverrideStore overrideStore() {
        return overrideStore;
    }

    /** @return the fleet's lease table (rollout leadership); the same instance on every call */
    public Lease lease() {
        return lease;
    }

    /**
     * @return the fleet's rollout state store, whose writes carrying a lease grant are fenced
     *     (see {@link RolloutStateStore#save(dev.releaserouter.rollout.RolloutState,
     *     dev.releaserouter.api.spi.LeaseGrant)}); the same instance on every call
     */
    public RolloutStateStore rolloutStateStore() {
        return rolloutStateStore;
    }

    /**
     * @return the fleet's budget ledger: one exact {@code max_requests} budget per candidate for
     *     every instance (instances hold small reserves refilled in the background, so
     *     {@code decide} never waits for Redis); pass it to
     *     {@code ReleaseRouter.builder().budgetLedger(...)}; the same instance on every call
     */
    public BudgetLedger budgetLedger() {
        return budgetLedger;
    }

    /**
     * @return the fleet's measurement window store: every instance's closed per-arm windows,
     *     merged when read; pass it to {@code ArmMeasurements.builder().windowStore(...)}
     *     (with {@code .source(fleet.instanceId())}); the same instance on every call
     */
    public MeasurementWindowStore windowStore() {
        return windowStore;
    }

    /**
     * The fleet's audit trail: one hash-chained Redis Stream for every instance, the instance id
     * in each actor; pass it to {@code ReleaseRouter.builder().auditSink(...)}.
     *
     * <p>Fail safe: a change to this instance's base configuration (actions {@code config.load},
     * {@code config.reload}, {@code config.apply}: its start, a flag-file reload such as a kill
     * switch, a programmatic apply) is never refused because Redis cannot record it. Its entry is
     * deferred: logged at WARN to the audit logger {@code dev.releaserouter.audit}, kept in a
     * bounded queue ({@link Builder#deferredAuditCapacity}; beyond it, counted in
     * {@link FleetStatus#auditOverflowed()} and in the log only), shown in {@link #status()}, and
     * replayed into the stream in order when Redis answers again, after whatever other instances
     * wrote meanwhile, with its original time and the actor suffix {@code " (deferred)"}. Every
     * other entry is refused (the call throws {@link java.io.UncheckedIOException}, the change is
     * refused): in practice admin override changes are refused earlier by the override store,
     * which needs Redis.
     *
     * @return the sink; the same instance on every call
     */
    public AuditSink auditSink() {
        return auditSink;
    }

    /**
     * Verifies the fleet's audit trail: the same checks as {@code JsonlAuditSink.verify}.
     *
     * @return where the chain is intact, and the first bad entry if not
     * @throws java.io.UncheckedIOException if Redis cannot be read
     */
    public AuditVerification verifyAudit() {
        return auditSink.trail().verify();
    }

    /**
     * The flag document kept in this fleet's Redis, as a router's flag source: an alternative to
     * a mounted file, changed for every instance with {@link #publishFlags}. The fallback (e.g.
     * {@code FlagSources.classpath("flags.json")}) answers the first load when Redis is
     * unreachable or holds no document yet, so an instance always starts; changes published
     * later are applied by every router within a maintenance tick (200 ms), at once when the
     * announcement arrives. An invalid document is refused like an invalid file (the router keeps
     * its last good configuration and reports it). Call once per fleet: one router watches it.
     *
     * @param fallback the source of the first load when Redis has no document or is down
     * @return a new flag source; closing it closes the fallback
     * @throws NullPointerException if fallback is null
     */
    public FlagSource flagSource(FlagSource fallback) {
        return new RedisFlagSource(connections, fallback);
    }

    /**
     * Publishes a flag document to every instance of the fleet (see {@link #flagSource}). The
     * document is validated first, with the same rules as a flag file.
     *
     * @param json the flag document (docs/flag-file.md)
     * @return the document's revision in Redis
     * @throws dev.releaserouter.api.config.ConfigException if the document is invalid (nothing
     *     is published)
     * @throws java.io.UncheckedIOException if Redis cannot be written
     * @throws NullPointerException if json is null
     */
    public long publishFlags(String json) {
        return RedisFlagSource.publish(connections, Objects.requireNonNull(json, "json"));
    }

    /**
     * Reads the fleet's audit trail, oldest first.
     *
     * @return every entry, as recorded (actors carry the instance id)
     * @throws java.io.UncheckedIOException if Redis cannot be read
     */
    public List<AuditEvent> readAudit() {
        return auditSink.trail().read();
    }

    /** @return this instance's id (in log lines and, with the audit sink, in actors) */
    public String instanceId() {
        return connections.instanceId();
    }

    /**
     * The fleet's connectivity now. Never blocks, never throws.
     *
     * @return the status
     */
    public FleetStatus status() {
        FleetStatus c = connections.status(overrideStore.lastRevision());
        return new FleetStatus(c.connected(), c.lastError(), c.degradations(), c.failures(),
                c.lastOverrideRevision(), c.lag(), auditSink.waiting(), auditSink.oldestWaiting(),
                auditSink.overflowed());
    }

    /**
     * The fleet's connectivity as a router component, for
     * {@code ReleaseRouter.builder().statusContributor("fleet", fleet::componentStatus)}: UP
     * while connected, DEGRADED with the last error otherwise (the router then fails safe: it
     * answers from its local state, takes no new budget, refuses admin changes). Details:
     * {@code connected}, {@code instanceId}, {@code lastError} (if any), {@code lagMillis},
     * {@code lastOverrideRevision}, {@code degradations}, {@code failures}, {@code auditDeferred},
     * {@code auditOldestDeferred} (ISO-8601, while an entry waits), {@code auditOverflowed},
     * and with {@link Builder#replicaAcks} {@code replicaAcks} and {@code unconfirmedWrites}.
     * DEGRADED too while deferred audit entries wait to be replayed, and while writes are not
     * acknowledged by enough replicas. Never blocks, never throws.
     *
     * @return the status
     */
    public ComponentStatus componentStatus() {
        FleetStatus s = status();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("connected", s.connected());
        d.put("instanceId", instanceId());
        String error = s.lastError();
        if (error != null) {
            d.put("lastError", error);
        }
        d.put("lagMillis", s.lag().toMillis());
        d.put("lastOverrideRevision", s.lastOverrideRevision());
        d.put("degradations", s.degradations());
        d.put("failures", s.failures());
        d.put("auditDeferred", s.auditDeferred());
        if (s.auditOldestDeferred() != null) {
            d.put("auditOldestDeferred", s.auditOldestDeferred().toString());
        }
        d.put("auditOverflowed", s.auditOverflowed());
        d.put("auditSpoolFailures", auditSink.spoolFailures());
        ReplicatedWrites w = connections.writes();
        if (w.replicas() > 0) {
            d.put("replicaAcks", w.replicas());
            d.put("unconfirmedWrites", w.unconfirmed());
        }
        if (!s.connected()) {
            return ComponentStatus.degraded(error != null ? error : "not connected to Redis yet",
                    d);
        }
        if (w.lagging()) {
            return ComponentStatus.degraded("writes are not acknowledged by " + w.replicas()
                    + " replicas: no new budget, no rollout lease, admin changes unconfirmed", d);
        }
        if (s.auditDeferred() > 0) {
            return ComponentStatus.degraded(s.auditDeferred() + " audit entries wait to be "
                    + "replayed into the Redis trail (oldest " + s.auditOldestDeferred() + ")", d);
        }
        return ComponentStatus.up(d);
    }

    /** For the other SPI implementations of this package. */
    RedisConnections connections() {
        return connections;
    }

    /**
     * Closes the connections and the fleet's threads; the stores stop working (their calls
     * throw {@link IllegalStateException}). Idempotent; never throws.
     */
    @Override
    public void close() {
        budgetLedger.close(); // gives unused reserves back while the connection is up
        overrideStore.close();
        connections.close();
    }

    /** Builds a {@link RedisFleet}. Not thread-safe. */
    public static final class Builder {
        private final String redisUri;
        private String instanceId = defaultInstanceId();
        private Duration commandTimeout = Duration.ofMillis(500);
        private String keyPrefix = "release-router:";
        private Clock clock = Clock.systemUTC();
        private int budgetAllotment = 50;
        private int retainedWindows = 120;
        private Duration windowTtl = Duration.ofHours(3);
        private int deferredAuditCapacity = DeferringAuditSink.DEFAULT_CAPACITY;
        private int replicaAcks;
        private Duration replicaAckTimeout = Duration.ZERO;
        private @Nullable Path deferredAuditSpool;

        private Builder(String redisUri) {
            Objects.requireNonNull(redisUri, "redisUri");
            boolean sentinel = redisUri.startsWith("redis-sentinel://")
                    || redisUri.startsWith("rediss-sentinel://");
            if (!redisUri.startsWith("redis://") && !redisUri.startsWith("rediss://")
                    && !redisUri.startsWith("redis-socket://") && !sentinel) {
                throw new IllegalArgumentException("redisUri must start with redis://, "
                        + "rediss://, redis-socket://, redis-sentinel:// or rediss-sentinel://,"
                        + " but was '" + redact(redisUri) + "'");
            }
            int hash = redisUri.indexOf('#');
            if (sentinel && (hash < 0 || hash == redisUri.length() - 1)) {
                throw new IllegalArgumentException("redisUri must name the Sentinel master "
                        + "after '#', e.g. redis-sentinel://sentinel:26379#mymaster, but was '"
                        + redact(redisUri) + "'");
            }
            this.redisUri = redisUri;
        }

        /**
         * @param instanceId this instance's id, non-blank (default: host name and a short
         *     random suffix)
         * @return this builder
         * @throws NullPointerException if instanceId is null
         * @throws IllegalArgumentException if it is blank
         */
        public Builder instanceId(String instanceId) {
            Objects.requireNonNull(instanceId, "instanceId");
            if (instanceId.isBlank()) {
                throw new IllegalArgumentException("instanceId must be a non-blank string, "
                        + "but was '" + instanceId + "'");
            }
            this.instanceId = instanceId;
            return this;
        }

        /**
         * @param commandTimeout how long any Redis call may take before it fails, between 1 ms
         *     and 60 s (default 500 ms); also the connect timeout
         * @return this builder
         * @throws NullPointerException if commandTimeout is null
         * @throws IllegalArgumentException if it is outside the range
         */
        public Builder commandTimeout(Duration commandTimeout) {
            Objects.requireNonNull(commandTimeout, "commandTimeout");
            if (commandTimeout.compareTo(Duration.ofMillis(1)) < 0
                    || commandTimeout.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new IllegalArgumentException("commandTimeout must be between 1 ms and 60 "
                        + "s, but was " + commandTimeout);
            }
            this.commandTimeout = commandTimeout;
            return this;
        }

        /**
         * @param keyPrefix what every key and channel of this fleet starts with, non-empty
         *     (default {@code release-router:}); fleets with different prefixes share nothing
         * @return this builder
         * @throws NullPointerException if keyPrefix is null
         * @throws IllegalArgumentException if it is empty or contains whitespace
         */
        public Builder keyPrefix(String keyPrefix) {
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            if (keyPrefix.isEmpty() || keyPrefix.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("keyPrefix must be non-empty without "
                        + "whitespace, but was '" + keyPrefix + "'");
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * @param clock the clock of {@link FleetStatus#lag()} (default the system clock);
         *     lease expiries use the Redis server's time, not this clock
         * @return this builder
         * @throws NullPointerException if clock is null
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param units how many budget units an instance takes from Redis at a time (default
         *     50); an instance holds at most twice that in reserve, so a budget of N can leave
         *     up to {@code 2 x units} per instance unused by the others until given back (on
         *     close, reset or a lowered limit), and is never exceeded
         * @return this builder
         * @throws IllegalArgumentException if units is not between 1 and 1,000,000
         */
        public Builder budgetAllotment(int units) {
            if (units < 1 || units > 1_000_000) {
                throw new IllegalArgumentException("budgetAllotment must be between 1 and"
                        + " 1000000, but was " + units);
            }
            this.budgetAllotment = units;
            return this;
        }

        /**
         * @param windows measurement windows kept per model in Redis (default 120: two hours of
         *     one-minute windows)
         * @param ttl how long a window is kept after its last append (default 3 hours)
         * @return this builder
         * @throws IllegalArgumentException if windows is not positive or ttl not positive
         * @throws NullPointerException if ttl is null
         */
        public Builder windowRetention(int windows, Duration ttl) {
            Objects.requireNonNull(ttl, "ttl");
            if (windows < 1 || ttl.isZero() || ttl.isNegative()) {
                throw new IllegalArgumentException("windowRetention needs a positive count and"
                        + " ttl, but was " + windows + " and " + ttl);
            }
            this.retainedWindows = windows;
            this.windowTtl = ttl;
            return this;
        }

        /**
         * @param entries how many audit entries may wait, in memory, for Redis to take them
         *     (default 10,000; see {@link RedisFleet#auditSink()}); entries beyond it are in the
         *     log audit trail only, counted in {@link FleetStatus#auditOverflowed()}
         * @return this builder
         * @throws IllegalArgumentException if entries is not between 1 and 1,000,000
         */
        public Builder deferredAuditCapacity(int entries) {
            if (entries < 1 || entries > 1_000_000) {
                throw new IllegalArgumentException("deferredAuditCapacity must be between 1 and"
                        + " 1000000, but was " + entries);
            }
            this.deferredAuditCapacity = entries;
            return this;
        }

        /**
         * Makes the writes a failover must not lose wait until {@code replicas} replicas have
         * them (Redis {@code WAIT}), for a primary with replicas (e.g. under Sentinel, see
         * {@link RedisFleet#builder}). Redis replicates asynchronously: without this, a write
         * the primary acknowledged can be missing from the replica promoted after a failover.
         * With it, such a write is only used or reported as done once acknowledged; when the
         * acknowledgements do not come within {@code timeout}, the fleet takes the safe side:
         * <ul>
         *   <li>a budget chunk leased by an instance is not granted (it stays counted as
         *       consumed; the instance answers {@code BUDGET_EXHAUSTED} once its reserve is
         *       empty), for request budgets, rolling windows and the value share;
         *   <li>a rollout lease (acquisition or renewal) is not taken: the controller stands by;
         *   <li>an admin change, a fenced rollout state or decision write, {@link #publishFlags}
         *       and an audit entry throw {@link UnconfirmedWriteException} (the change is in
         *       force on the primary now but may be lost: check and repeat it);
         *   <li>a measurement window append throws it too, so the window is appended again
         *       later (appends replace: never counted twice).
         * </ul>
         * After an unconfirmed write, further writes are not even sent until a bare
         * {@code WAIT} shows that the replicas caught up (the maintenance tick checks every
         * 200 ms): a replica outage costs at most the chunks in flight when it began. What a
         * promoted replica has: every acknowledged write, provided Sentinel promotes a replica
         * that acknowledged it or is further ahead (it promotes the replica with the greatest
         * replication offset among those of equal {@code replica-priority}; set {@code replicas}
         * to the number of replicas to be independent of the choice). Costs one {@code WAIT}
         * round trip per write (writes are rare: leases, changes, window closes), never on the
         * {@code decide} path; needs as many replicas connected as {@code replicas}, or nothing
         * can be written: keep one more replica than {@code replicas} so that a failover leaves
         * enough. Default: 0 (off). See {@code docs/fleet.md}, "Redis failover (Sentinel)".
         *
         * @param replicas replicas that must acknowledge each such write, between 0 (off) and
         *     16
         * @param timeout how long a write waits for them, between 1 ms and the command timeout
         *     set when {@link #build()} is called (a write may then take the command timeout
         *     plus this)
         * @return this builder
         * @throws NullPointerException if timeout is null
         * @throws IllegalArgumentException if replicas or timeout is out of range
         */
        public Builder replicaAcks(int replicas, Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (replicas < 0 || replicas > 16) {
                throw new IllegalArgumentException("replicaAcks replicas must be between 0 and "
                        + "16, but was " + replicas);
            }
            if (timeout.compareTo(Duration.ofMillis(1)) < 0
                    || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new IllegalArgumentException("replicaAcks timeout must be between 1 ms "
                        + "and 60 s, but was " + timeout);
            }
            this.replicaAcks = replicas;
            this.replicaAckTimeout = timeout;
            return this;
        }

        /**
         * Keeps the deferred audit entries (see {@link RedisFleet#auditSink()}) in a local file
         * as well, so that they survive a restart of the process while Redis is down: each is
         * appended (synced to the disk) when deferred, the file is rewritten as entries are
         * replayed, and the entries an earlier process left in it are loaded at build and
         * replayed once Redis answers (each at most once: Redis remembers replayed entries'
         * ids for 30 days). Use a path on a persistent volume, one file per instance; without
         * it (the default) the entries wait in memory and are in the audit log. A file that
         * cannot be read or written is logged and counted ({@code auditSpoolFailures} in
         * {@link RedisFleet#componentStatus()}); the entries then stay in memory.
         *
         * @param file the spool file; its directory must exist
         * @return this builder
         * @throws NullPointerException if file is null
         */
        public Builder deferredAuditSpool(Path file) {
            this.deferredAuditSpool = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * Builds the fleet and starts connecting. Does not throw if Redis is unreachable: the
         * fleet connects in the background (see {@link RedisFleet}).
         *
         * @return the fleet, to close
         * @throws IllegalArgumentException if the URI cannot be parsed, or the replica
         *     acknowledgement timeout exceeds the command timeout
         */
        public RedisFleet build() {
            if (replicaAcks > 0 && replicaAckTimeout.compareTo(commandTimeout) > 0) {
                throw new IllegalArgumentException("replicaAcks timeout must not exceed the "
                        + "commandTimeout (" + commandTimeout + "), but was " + replicaAckTimeout);
            }
            try {
                return new RedisFleet(this);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("redisUri '" + redact(redisUri)
                        + "' is not valid: " + e.getMessage(), e);
            }
        }

        private static String redact(String uri) {
            return uri.replaceAll("//[^@/]*@", "//***@");
        }

        private static String defaultInstanceId() {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                host = "instance";
            }
            return host + "-" + UUID.randomUUID().toString().substring(0, 6);
        }
    }
}
