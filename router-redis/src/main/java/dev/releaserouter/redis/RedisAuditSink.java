package dev.releaserouter.redis;

import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.core.audit.AuditChain;
import dev.releaserouter.core.audit.AuditVerification;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's audit trail: every instance appends to ONE hash-chained trail kept in a Redis
 * Stream, with the chain rules of {@code JsonlAuditSink} ({@link AuditChain}): each stream entry
 * holds the entry's canonical line (field {@code line}) and, for the append check, its
 * {@code seq} and {@code hash}. The recorded actor is {@code "<actor> [instance <id>]"}.
 *
 * <p>{@link #record} returns once Redis has appended the entry (durable as Redis is configured:
 * use AOF with {@code appendfsync always} for a trail that survives a Redis crash, and replica
 * acknowledgements for one that survives a failover: then it returns once enough replicas have
 * the entry, and throws {@link UnconfirmedWriteException} otherwise); it throws
 * {@link UncheckedIOException} if Redis cannot be reached within the timeout, so the router
 * refuses the change. A failover that loses the last entries never forks the chain: an append
 * checks the stream's real tail, so the chain continues from what the new primary holds. {@link
 * #verify()} detects an edited, removed, inserted or reordered entry.
 *
 * <p>Thread-safe.
 */
final class RedisAuditSink implements AuditSink {

    /*
     * Design: the SHA-256 of an entry covers its prev, and Lua in Redis has no SHA-256, so an
     * append is optimistic: the sink builds the next line from the tail it believes in, and a
     * Lua script appends it only if the stream's last entry still has that seq and hash (atomic
     * in Redis: no other append can come between the check and the XADD), else returns the real
     * tail and the sink rebuilds the line and retries (bounded attempts). Two instances can thus
     * never fork the chain. The cached tail is a volatile immutable record: a stale one only
     * costs a retry. Threads of one sink take a ReentrantLock around the append (as the JSONL
     * sink does), so that they do not race each other into retries; only instances race.
     * Changes are rare, so one append at a time per instance is plenty.
     */

    private static final Logger LOG = LoggerFactory.getLogger(RedisAuditSink.class);
    private static final int MAX_ATTEMPTS = 100;
    private static final int PAGE = 1_000;

    /**
     * KEYS[1] stream, KEYS[2] replayed ids; ARGV expected seq, expected hash, genesis, seq,
     * hash, line, replay id ('' for none), replayed-ids TTL ms. A replay id already appended
     * answers 'dup' (a replay whose reply was lost is not appended twice).
     */
    private static final String APPEND = """
            if ARGV[7] ~= '' and redis.call('HEXISTS', KEYS[2], ARGV[7]) == 1 then
              return {'dup'}
            end
            local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
            local seq, hash = '0', ARGV[3]
            if #last > 0 then
              local f = last[1][2]
              for i = 1, #f, 2 do
                if f[i] == 'seq' then seq = f[i + 1] elseif f[i] == 'hash' then hash = f[i + 1] end
              end
            end
            if seq ~= ARGV[1] or hash ~= ARGV[2] then return {'conflict', seq, hash} end
            local id = redis.call('XADD', KEYS[1], '*', 'seq', ARGV[4], 'hash', ARGV[5],
                'line', ARGV[6])
            if ARGV[7] ~= '' then
              redis.call('HSET', KEYS[2], ARGV[7], id)
              redis.call('PEXPIRE', KEYS[2], ARGV[8])
            end
            return {'ok', id}
            """;

    /** How long the ids of replayed entries are remembered (30 days). */
    static final long REPLAYED_TTL_MILLIS = 30L * 24 * 3600 * 1000;

    private record Tail(long seq, String hash) {}

    /** The current connection; throws (unchecked) while the fleet is not connected. */
    private final Supplier<StatefulRedisConnection<String, String>> connection;
    /** How appends are sent: with replica acknowledgements if the fleet asks for them. */
    private final ReplicatedWrites writes;
    private final String key;
    private final String instanceId;
    private final Duration timeout;
    private volatile Tail tail = new Tail(0, AuditChain.GENESIS_HASH);
    private final AtomicLong failures = new AtomicLong();
    private final AtomicBoolean degraded = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ReentrantLock lock = new ReentrantLock();

    /**
     * @param connection the current connection, e.g. the fleet's (it throws while not
     *     connected); not closed by the sink
     * @param prefix the fleet's key prefix
     * @param instanceId this instance's id, non-blank
     * @param timeout the most one Redis call waits, positive
     * @throws IllegalArgumentException if the id is blank or the timeout not positive
     */
    RedisAuditSink(Supplier<StatefulRedisConnection<String, String>> connection, String prefix,
            String instanceId, Duration timeout) {
        this(connection, ReplicatedWrites.unacknowledged(connection), prefix, instanceId,
                timeout);
    }

    /**
     * @param writes how appends are sent (the fleet's); the other arguments as above
     */
    RedisAuditSink(Supplier<StatefulRedisConnection<String, String>> connection,
            ReplicatedWrites writes, String prefix, String instanceId, Duration timeout) {
        Objects.requireNonNull(connection, "connection");
        this.connection = connection;
        this.writes = Objects.requireNonNull(writes, "writes");
        this.key = Objects.requireNonNull(prefix, "prefix") + "audit";
        if (instanceId.isBlank()) {
            throw new IllegalArgumentException("instanceId must be non-blank");
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, but was " + timeout);
        }
        this.instanceId = instanceId;
        this.timeout = timeout;
    }

    /** @return the stream's key */
    String key() {
        return key;
    }

    /** @return appends that failed since creation */
    long failures() {
        return failures.get();
    }

    /** @return whether the last append failed */
    boolean degraded() {
        return degraded.get();
    }

    /** @return the actor as recorded: the event's actor and this instance's id */
    String recordedActor(String actor) {
        return recordedActor(actor, false);
    }

    /**
     * @return the actor as recorded: the event's actor, this instance's id and, for an entry
     *     replayed after Redis could not take it in time, {@code " (deferred)"}
     */
    String recordedActor(String actor, boolean deferred) {
        return actor + " [instance " + instanceId + "]" + (deferred ? " (deferred)" : "");
    }

    @Override
    public void record(AuditEvent event) {
        record(event, false);
    }

    /**
     * Appends the event (with its own time) after the stream's current tail.
     *
     * @param deferred whether it is replayed after Redis could not take it in time (marked in
     *     the actor)
     * @throws UncheckedIOException if Redis cannot take it within the timeout
     */
    void record(AuditEvent event, boolean deferred) {
        Objects.requireNonNull(event, "event");
        append(recorded(event, deferred), "");
    }

    /** @return the event with its actor as recorded (see {@link #recordedActor}) */
    AuditEvent recorded(AuditEvent event, boolean deferred) {
        return new AuditEvent(event.time(), recordedActor(event.actor(), deferred),
                event.action(), event.target(), event.before(), event.after(), event.reason(),
                event.ticket(), event.revision());
    }

    /**
     * Appends an event whose actor is already as recorded (a deferred entry, possibly of an
     * earlier process of this instance), at most once per replay id: an id Redis has seen is
     * not appended again (its earlier append's reply was lost), and the call returns normally.
     *
     * @param recorded the event as recorded
     * @param replayId the entry's unique id, non-empty
     * @throws UncheckedIOException if Redis cannot take it within the timeout
     */
    void replay(AuditEvent recorded, String replayId) {
        if (replayId.isEmpty()) {
            throw new IllegalArgumentException("replayId must not be empty");
        }
        append(recorded, replayId);
    }

    private void append(AuditEvent recorded, String replayId) {
        if (closed.get()) {
            throw new UncheckedIOException("the Redis audit sink is closed",
                    new IOException("closed"));
        }
        lock.lock();
        try {
            Tail t = tail;
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                AuditChain.Link link = AuditChain.next(t.seq(), t.hash(), recorded);
                Tail expected = t;
                List<Object> reply = await(writes.send("audit append", c -> c.<List<Object>>eval(
                        APPEND, ScriptOutputType.MULTI, new String[] {key, key + ":replayed"},
                        Long.toString(expected.seq()), expected.hash(), AuditChain.GENESIS_HASH,
                        Long.toString(link.seq()), link.hash(), link.line(), replayId,
                        Long.toString(REPLAYED_TTL_MILLIS))));
                if ("dup".equals(reply.get(0))) {
                    return; // appended before; the tail is refreshed by the next conflict
                }
                if ("ok".equals(reply.get(0))) {
                    tail = new Tail(link.seq(), link.hash());
                    if (degraded.compareAndSet(true, false)) {
                        LOG.info("Release Router fleet: the Redis audit trail accepts entries "
                                + "again");
                    }
                    return;
                }
                t = new Tail(Long.parseLong((String) reply.get(1)), (String) reply.get(2));
            }
            throw new IllegalStateException("the audit trail's tail kept changing during "
                    + MAX_ATTEMPTS + " attempts");
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            if (degraded.compareAndSet(false, true)) {
                LOG.warn("Release Router fleet: cannot append to the Redis audit trail {} "
                        + "(changes to this instance's flag file are deferred, other changes "
                        + "refused, until it answers): {}", key, e.toString());
            }
            throw e instanceof UncheckedIOException u ? u : new UncheckedIOException(
                    "cannot append to the Redis audit trail " + key + ": " + e.getMessage(),
                    new IOException(e));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads the whole trail, oldest first.
     *
     * @return the canonical lines, as stored
     * @throws UncheckedIOException if Redis cannot be read
     */
    List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (StreamMessage<String, String> m : messages()) {
            String line = m.getBody().get("line");
            lines.add(line == null ? "" : line);
        }
        return lines;
    }

    /**
     * Reads the recorded events (actors as recorded, with the instance id).
     *
     * @return the events, oldest first
     * @throws UncheckedIOException if Redis cannot be read
     * @throws IllegalArgumentException if an entry is malformed
     */
    List<AuditEvent> read() {
        return lines().stream().map(l -> AuditChain.parse(l).event()).toList();
    }

    /**
     * Verifies the whole trail like {@code JsonlAuditSink.verify}: the lines' chain, and each
     * stream entry's {@code seq} and {@code hash} fields matching its line. Line numbers are
     * 1-based positions in the stream.
     *
     * @return the result
     * @throws UncheckedIOException if Redis cannot be read
     */
    AuditVerification verify() {
        List<StreamMessage<String, String>> messages = messages();
        List<String> lines = new ArrayList<>(messages.size());
        for (StreamMessage<String, String> m : messages) {
            String line = m.getBody().get("line");
            lines.add(line == null ? "" : line);
        }
        AuditVerification chain = AuditChain.verify(lines);
        long n = 0;
        String prev = AuditChain.GENESIS_HASH;
        for (StreamMessage<String, String> m : messages) {
            n++;
            if (!chain.ok() && n >= chain.line()) {
                break;
            }
            AuditChain.Link link = AuditChain.parse(lines.get((int) n - 1));
            if (!Long.toString(link.seq()).equals(m.getBody().get("seq"))
                    || !link.hash().equals(m.getBody().get("hash"))) {
                return AuditVerification.invalid(n, "the stream entry " + m.getId()
                        + "'s seq or hash field does not match its line: edited", prev);
            }
            prev = link.hash();
        }
        return chain;
    }

    private List<StreamMessage<String, String>> messages() {
        List<StreamMessage<String, String>> all = new ArrayList<>();
        String from = "-";
        while (true) {
            List<StreamMessage<String, String>> page = await(connection.get().async().xrange(key,
                    Range.create(from, "+"), Limit.from(PAGE)));
            all.addAll(page);
            if (page.size() < PAGE) {
                return all;
            }
            from = "(" + page.get(page.size() - 1).getId();
        }
    }

    private <T> T await(Future<T> future) {
        try {
            return future.get(timeout.plus(writes.extraWait()).toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted waiting for Redis", e));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnconfirmedWriteException u) {
                throw u; // appended on the primary only: not reported as recorded
            }
            if (e.getCause() instanceof UncheckedIOException u) {
                throw u; // not sent: the replicas lag
            }
            throw new UncheckedIOException(new IOException("Redis failed: " + e.getCause(),
                    e.getCause()));
        } catch (TimeoutException e) {
            throw new UncheckedIOException(new IOException("Redis did not answer within "
                    + timeout, e));
        }
    }

    @Override
    public void close() {
        closed.set(true);
    }
}
