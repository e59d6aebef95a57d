package dev.releaserouter.redis;

import dev.releaserouter.api.spi.BudgetKey;
import dev.releaserouter.api.spi.BudgetLedger;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BudgetLedger} shared by a fleet through Redis: each budget is one Redis hash whose
 * {@code consumed} field is changed only by Lua scripts, so consumption is atomic across every
 * thread and instance and never passes the limit.
 *
 * <p>Guarantee: the units granted fleet-wide never exceed the limit (exact total). Each instance
 * holds a <em>reserve</em> of units it consumed in Redis ahead of need (at most
 * {@code 2 x allotment} per budget, plus up to {@code allotment - 1} in the router's own local
 * allotment); units held by one instance are not available to another until given back (a new
 * configuration, {@code close()}), so near the limit an instance may refuse while another still
 * holds units. {@link #close()} gives every reserve back. Units held by an instance that crashed
 * stay consumed (stricter, never looser) until an operator resets the budget.
 *
 * <p>Hot path: {@link Account#tryConsumeNow} takes units from the reserve with one CAS and never
 * waits for Redis; when the reserve falls below {@code allotment} it starts one asynchronous
 * refill (at most one in flight per budget, so nothing queues up). With an empty reserve it
 * grants 0 at once; if the last refill failed (Redis down or slow), it throws a preallocated,
 * stackless exception so the router counts the failure and answers the stable version
 * ({@code BUDGET_EXHAUSTED}). The other methods wait for Redis, bounded by the command timeout.
 *
 * <p>Redis restarted empty: an instance that has seen a budget's hash and finds it gone refuses
 * grants from that budget (counted, logged once) until the budget is {@linkplain Account#reset
 * reset}, because its consumption was lost and granting again could overshoot.
 *
 * <p>Rolling windows ({@code max_requests} with a {@code window}) and the value share are
 * enforced fleet-wide too ({@link #windowAccount}, {@link #valueAccount}), by the same pattern:
 * leased ahead of need in Lua, granted locally by CAS, refilled asynchronously.
 *
 * <p>Failover: every lease goes through the fleet's {@link ReplicatedWrites}. With replica
 * acknowledgements on, a leased chunk is added to a reserve only once enough replicas have it;
 * an unconfirmed chunk is never granted (it stays counted as consumed on the primary, and is
 * simply absent from a promoted replica), so a failover to a replica that lacks the last leases
 * cannot let the fleet grant them twice.
 *
 * <p>Thread-safe.
 */
final class RedisBudgetLedger implements BudgetLedger {

    /*
     * Design: per budget, an AtomicLong reserve (CAS takes; refills add), an AtomicBoolean
     * "refill in flight" (only the thread that flips it false->true sends a refill, and it is
     * cleared when Lettuce completes the command: success, error or Lettuce's own timeout, so a
     * command never completes after we stopped counting it, and units consumed in Redis are
     * always added to a reserve), and a volatile reserveLimit (the limit the reserve was
     * consumed under; a lower limit empties the reserve back to Redis first, so a lowered limit
     * is honoured). The callbacks run on Lettuce's event loop and only touch atomics.
     *
     * In Redis, the hash holds "consumed" (units granted or held fleet-wide) and "held:<id>" (an
     * upper bound of what instance <id> holds in its reserve). A reset sets consumed to the sum
     * of the other instances' held units, so units in live reserves stay counted and a reset
     * never lets the fleet grant more than the limit afterwards.
     */

    private static final Logger LOG = LoggerFactory.getLogger(RedisBudgetLedger.class);

    /** KEYS[1] hash; ARGV units, limit, held field ('' none), reserve before, must exist (0/1). */
    private static final String CONSUME = """
            if ARGV[5] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
            local used = tonumber(redis.call('HGET', KEYS[1], 'consumed') or '0')
            local take = math.min(tonumber(ARGV[1]), tonumber(ARGV[2]) - used)
            if take < 0 then take = 0 end
            redis.call('HINCRBY', KEYS[1], 'consumed', take)
            if ARGV[3] ~= '' then
              redis.call('HSET', KEYS[1], ARGV[3], tonumber(ARGV[4]) + take)
            end
            return take
            """;

    /** KEYS[1] hash; ARGV units, held field ('' none), held after. */
    private static final String GIVE_BACK = """
            local used = tonumber(redis.call('HGET', KEYS[1], 'consumed') or '0')
            local left = used - tonumber(ARGV[1])
            if left < 0 then left = 0 end
            redis.call('HSET', KEYS[1], 'consumed', left)
            if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], ARGV[2], ARGV[3]) end
            return left
            """;

    /** KEYS[1] hash; ARGV held field of this instance. */
    private static final String RESET = """
            redis.call('HDEL', KEYS[1], ARGV[1])
            local all = redis.call('HGETALL', KEYS[1])
            local held = 0
            for i = 1, #all, 2 do
              if string.sub(all[i], 1, 5) == 'held:' then held = held + tonumber(all[i + 1]) end
            end
            redis.call('HSET', KEYS[1], 'consumed', held)
            return held
            """;

    /**
     * KEYS[1] the model's seen total (a string), KEYS[2] the candidate's value hash; ARGV seen
     * delta, wanted micros, share, held field, reserve before. Adds the delta to the seen total,
     * then leases {@code min(wanted, floor(share x seen) - consumed)}.
     */
    private static final String LEASE_VALUE = """
            local seen = tonumber(redis.call('INCRBY', KEYS[1], ARGV[1]))
            local used = tonumber(redis.call('HGET', KEYS[2], 'consumed') or '0')
            local take = math.min(tonumber(ARGV[2]), math.floor(tonumber(ARGV[3]) * seen) - used)
            if take < 0 then take = 0 end
            redis.call('HINCRBY', KEYS[2], 'consumed', string.format('%d', take))
            redis.call('HSET', KEYS[2], ARGV[4], string.format('%d', tonumber(ARGV[5]) + take))
            return take
            """;

    /**
     * KEYS[1] the window hash (field "latest": the newest bucket leased; a field per bucket:
     * units leased in it); ARGV bucket, wanted, limit, must exist (0/1), expiry ms. Leases
     * {@code min(wanted, limit - sum of buckets [bucket - 60, bucket])}, refusing a bucket older
     * than the newest leased (a late caller), and drops buckets older than the window.
     */
    private static final String LEASE_WINDOW = """
            if ARGV[4] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
            local b = tonumber(ARGV[1])
            local latest = tonumber(redis.call('HGET', KEYS[1], 'latest') or ARGV[1])
            if b < latest then return 0 end
            local all = redis.call('HGETALL', KEYS[1])
            local sum = 0
            for i = 1, #all, 2 do
              if all[i] ~= 'latest' then
                if tonumber(all[i]) < b - 60 then redis.call('HDEL', KEYS[1], all[i])
                else sum = sum + tonumber(all[i + 1]) end
              end
            end
            local take = math.min(tonumber(ARGV[2]), tonumber(ARGV[3]) - sum)
            if take < 0 then take = 0 end
            redis.call('HSET', KEYS[1], 'latest', ARGV[1])
            if take > 0 then redis.call('HINCRBY', KEYS[1], ARGV[1], take) end
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            return take
            """;

    /** KEYS[1] the window hash: forgets every bucket, keeps "latest" (and the hash). */
    private static final String RESET_WINDOW = """
            local all = redis.call('HKEYS', KEYS[1])
            for i = 1, #all do
              if all[i] ~= 'latest' then redis.call('HDEL', KEYS[1], all[i]) end
            end
            return #all
            """;

    /** Buckets per window, as core's WindowCounter (a window check spans SLOTS + 1 buckets). */
    private static final int SLOTS = 60;

    /** Flush the seen total at least this often while a candidate is asked for value. */
    private static final long FLUSH_MILLIS = 20;

    private static final RuntimeException UNAVAILABLE = new UnavailableException();

    /** The current connection; throws (unchecked) while the fleet is not connected. */
    private final Supplier<StatefulRedisConnection<String, String>> connection;
    /** How leases (and the waiting consumption) are sent: with replica acks, or alone. */
    private final ReplicatedWrites writes;
    private final String prefix;
    private final String heldField;
    private final Duration timeout;
    private final int allotment;
    private final Clock clock;
    private final ConcurrentHashMap<BudgetKey, RedisAccount> accounts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<BudgetKey, ValueShareAccount> valueAccounts =
            new ConcurrentHashMap<>();
    private final ConcurrentHashMap<WindowKey, RedisWindowAccount> windowAccounts =
            new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ModelSeen> seen = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicBoolean degraded = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param connection the current connection (it throws while not connected), whose client
     *     has a command timeout (Lettuce {@code TimeoutOptions}), so that asynchronous refills
     *     complete; not closed by the ledger
     * @param prefix the fleet's key prefix, e.g. {@code "rr:"}
     * @param instanceId this instance's id, non-blank
     * @param timeout the most a waiting call waits for Redis, positive
     * @param allotment units consumed at a time, positive
     * @param clock when a failed refill may be retried (once per timeout while degraded)
     * @throws IllegalArgumentException if an argument is out of range
     */
    RedisBudgetLedger(Supplier<StatefulRedisConnection<String, String>> connection,
            String prefix, String instanceId, Duration timeout, int allotment, Clock clock) {
        this(connection, ReplicatedWrites.unacknowledged(connection), prefix, instanceId, timeout,
                allotment, clock);
    }

    /**
     * @param writes how the leases are sent (the fleet's: with replica acknowledgements if
     *     configured); the other arguments as above
     */
    RedisBudgetLedger(Supplier<StatefulRedisConnection<String, String>> connection,
            ReplicatedWrites writes, String prefix, String instanceId, Duration timeout,
            int allotment, Clock clock) {
        Objects.requireNonNull(connection, "connection");
        this.connection = connection;
        this.writes = Objects.requireNonNull(writes, "writes");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        if (instanceId.isBlank()) {
            throw new IllegalArgumentException("instanceId must be non-blank");
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, but was " + timeout);
        }
        if (allotment < 1) {
            throw new IllegalArgumentException("allotment must be at least 1, but was "
                    + allotment);
        }
        this.heldField = "held:" + instanceId;
        this.timeout = timeout;
        this.allotment = allotment;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Account account(BudgetKey key) {
        Objects.requireNonNull(key, "key");
        return accounts.computeIfAbsent(key, RedisAccount::new);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: the share is enforced fleet-wide in Redis (see {@link ValueShareAccount}).
     */
    @Override
    public ValueAccount valueAccount(BudgetKey key, LongSupplier modelValueSeen) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(modelValueSeen, "modelValueSeen");
        ModelSeen m = seen.computeIfAbsent(key.model(), ModelSeen::new);
        m.source = modelValueSeen; // the router's total for this model (one per router)
        return valueAccounts.computeIfAbsent(key, k -> new ValueShareAccount(k, m));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: the window is enforced fleet-wide in Redis (see {@link RedisWindowAccount}).
     */
    @Override
    public WindowAccount windowAccount(BudgetKey key, long windowMillis) {
        Objects.requireNonNull(key, "key");
        if (windowMillis < 1000) {
            throw new IllegalArgumentException("windowMillis must be at least 1000, but was "
                    + windowMillis);
        }
        return windowAccounts.computeIfAbsent(new WindowKey(key, windowMillis),
                k -> new RedisWindowAccount(k.budget(), k.windowMillis()));
    }

    @Override
    public int allotment() {
        return allotment;
    }

    /** @return Redis calls that failed (refills, give-backs, waiting calls), since creation */
    long failures() {
        return failures.get();
    }

    /** @return whether the last refill failed (no new budget until Redis answers again) */
    boolean degraded() {
        return degraded.get();
    }

    /** Gives every reserve back to Redis (bounded by the timeout; failures counted). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (RedisAccount a : accounts.values()) {
            long held = a.reserve.getAndSet(0);
            try {
                a.giveBackHeld(held, 0);
            } catch (RuntimeException e) {
                failed(e); // the units stay consumed: stricter, never looser
            }
        }
        for (ValueShareAccount a : valueAccounts.values()) {
            long held = a.reserve.getAndSet(0);
            try {
                a.giveBackHeld(held);
            } catch (RuntimeException e) {
                failed(e); // the value stays consumed: stricter, never looser
            }
        }
    }

    String key(BudgetKey key) {
        // The model's length makes the key unambiguous whatever characters the names hold.
        return prefix + "budget:" + key.model().length() + ":" + key.model() + ":"
                + key.version();
    }

    String seenKey(String model) {
        return prefix + "valueseen:" + model.length() + ":" + model;
    }

    String windowKey(BudgetKey key, long windowMillis) {
        return prefix + "budgetwindow:" + windowMillis + ":" + key.model().length() + ":"
                + key.model() + ":" + key.version();
    }

    String valueKey(BudgetKey key) {
        return prefix + "budgetvalue:" + key.model().length() + ":" + key.model() + ":"
                + key.version();
    }

    private void failed(Throwable t) {
        failures.incrementAndGet();
        if (degraded.compareAndSet(false, true)) {
            LOG.warn("Release Router fleet: the Redis budget ledger failed; budgeted candidates"
                    + " get no new exposure beyond what this instance holds until Redis answers:"
                    + " {}", t.toString());
        }
    }

    private void recovered() {
        if (degraded.compareAndSet(true, false)) {
            LOG.info("Release Router fleet: the Redis budget ledger answers again");
        }
    }

    private <T> T await(Future<T> future) {
        try {
            return future.get(timeout.plus(writes.extraWait()).toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Redis", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnconfirmedWriteException u) {
                throw u; // written, not confirmed: the caller must not count on it
            }
            throw new IllegalStateException("Redis failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Redis did not answer within " + timeout, e);
        }
    }

    private static void requireConsume(long units, long limit) {
        if (units <= 0 || limit < 0) {
            throw new IllegalArgumentException("units must be positive and limit not negative, "
                    + "but were " + units + " and " + limit);
        }
    }

    /** One budget: its reserve and its Redis hash. */
    /**
     * The refill machinery a request or window account shares: at most one asynchronous lease
     * call in flight, one retry per command timeout while Redis fails or the budget was lost,
     * and the "vanished from Redis" state. Design (concurrency): {@code refilling} is the only
     * gate; the volatile fields are written by the one call in flight (on Lettuce's thread) and
     * read on request threads.
     */
    private abstract class LeasedRefill {
        final String key;
        final AtomicBoolean refilling = new AtomicBoolean();
        volatile boolean seen; // the hash existed once: its absence means data loss
        volatile boolean lost;
        volatile long retryAtMillis = Long.MIN_VALUE; // after a failure: back off

        LeasedRefill(String key) {
            this.key = key;
        }

        /** @return whether a refill may start now (and it is now this caller's to finish) */
        final boolean startRefill() {
            if ((degraded.get() || lost) && clock.millis() < retryAtMillis) {
                return false; // one retry per timeout while Redis fails, not one per decision
            }
            return refilling.compareAndSet(false, true);
        }

        /**
         * Sends one lease call started with {@link #startRefill} and handles its answer: an
         * error backs off, a negative answer means the budget vanished from Redis, anything else
         * goes to {@code granted}. Ends the refill whatever happens.
         */
        final void lease(Supplier<? extends CompletionStage<Long>> call, LongConsumer granted) {
            CompletionStage<Long> f;
            try {
                f = call.get();
            } catch (RuntimeException e) {
                retryAtMillis = clock.millis() + timeout.toMillis();
                refilling.set(false);
                failed(e);
                return;
            }
            f.whenComplete((got, error) -> {
                try {
                    if (error != null) {
                        // Unconfirmed by the replicas included: those units are never granted.
                        retryAtMillis = clock.millis() + timeout.toMillis();
                        failed(ReplicatedWrites.unwrap(error));
                    } else if (got < 0) {
                        retryAtMillis = clock.millis() + timeout.toMillis();
                        markLost();
                    } else {
                        seen = true;
                        lost = false;
                        granted.accept(got);
                        recovered();
                    }
                } finally {
                    refilling.set(false);
                }
            });
        }

        final void markLost() {
            failures.incrementAndGet();
            if (!lost) {
                lost = true;
                LOG.warn("Release Router fleet: the {} {} vanished from Redis (restarted "
                        + "empty?): this instance grants nothing from it until the budget is "
                        + "reset", what(), key);
            }
        }

        /** @return what the account is, for the log line */
        abstract String what();
    }

    private final class RedisAccount extends LeasedRefill implements Account {
        private final AtomicLong reserve = new AtomicLong();
        private volatile long reserveLimit = Long.MAX_VALUE;

        RedisAccount(BudgetKey budget) {
            super(RedisBudgetLedger.this.key(budget));
        }

        @Override
        String what() {
            return "budget";
        }

        @Override
        public long tryConsumeNow(long units, long limit) {
            requireConsume(units, limit);
            if (limit < reserveLimit && reserve.get() > 0) {
                // A lowered limit: what the reserve holds was consumed under the old one.
                returnReserve();
            }
            long got = 0;
            for (long held = reserve.get(); held > 0; held = reserve.get()) {
                long take = Math.min(held, units);
                if (reserve.compareAndSet(held, held - take)) {
                    got = take;
                    break;
                }
            }
            if (reserve.get() < allotment && !closed.get()) {
                refill(limit);
            }
            if (got == 0 && (degraded.get() || lost)) {
                throw UNAVAILABLE;
            }
            return got;
        }

        private void refill(long limit) {
            if (!startRefill()) {
                return;
            }
            long before = reserve.get();
            long want = 2L * allotment - before;
            if (want <= 0) {
                refilling.set(false);
                return;
            }
            lease(() -> writes.send("budget lease", c -> c.eval(CONSUME,
                    ScriptOutputType.INTEGER, new String[] {key}, Long.toString(want),
                    Long.toString(limit), heldField, Long.toString(before), seen ? "1" : "0")),
                    got -> {
                        reserveLimit = limit;
                        reserve.addAndGet(got);
                        if (closed.get()) {
                            // Landed after close() gave the reserve back: give this back too
                            // (close sets the flag before it empties the reserve).
                            returnReserve();
                        }
                    });
        }

        private void returnReserve() {
            long held = reserve.getAndSet(0);
            if (held <= 0) {
                return;
            }
            try {
                connection.get().async().eval(GIVE_BACK, ScriptOutputType.INTEGER,
                        new String[] {key}, Long.toString(held), heldField, "0")
                        .whenComplete((r, e) -> {
                            if (e != null) {
                                failed(e); // stays consumed: stricter
                            }
                        });
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        void giveBackHeld(long units, long heldAfter) {
            await(connection.get().async().eval(GIVE_BACK, ScriptOutputType.INTEGER,
                    new String[] {key}, Long.toString(units), heldField,
                    Long.toString(heldAfter)));
        }

        @Override
        public long tryConsume(long units, long limit) {
            requireConsume(units, limit);
            try {
                Long got = await(writes.send("budget consumption", c -> c.<Long>eval(CONSUME,
                        ScriptOutputType.INTEGER, new String[] {key}, Long.toString(units),
                        Long.toString(limit), "", "0", "0")));
                seen = true;
                return got;
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                throw e;
            }
        }

        @Override
        public void giveBack(long units) {
            if (units < 0) {
                throw new IllegalArgumentException("units must not be negative, but was "
                        + units);
            }
            if (units == 0) {
                return;
            }
            try {
                await(connection.get().async().eval(GIVE_BACK, ScriptOutputType.INTEGER,
                        new String[] {key}, Long.toString(units), "", ""));
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                throw e;
            }
        }

        @Override
        public long consumed() {
            try {
                String v = await(connection.get().async().hget(key, "consumed"));
                return v == null ? 0 : Long.parseLong(v);
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                throw e;
            }
        }

        @Override
        public void reset() {
            reserve.set(0);
            try {
                await(connection.get().async().eval(RESET, ScriptOutputType.INTEGER,
                        new String[] {key}, heldField));
                seen = true;
                lost = false;
                reserveLimit = Long.MAX_VALUE;
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                throw e;
            }
        }
    }

    /**
     * A model's value total as this instance reports it to Redis: {@code flushed} is how much
     * of the router's running total (source) was claimed by a lease call (sent, or dropped
     * after an uncertain failure). Claims are made with a CAS, so two candidates of one model
     * never report the same value twice.
     */
    private static final class ModelSeen {
        final String model;
        final AtomicLong flushed = new AtomicLong();
        volatile LongSupplier source = () -> 0L;

        ModelSeen(String model) {
            this.model = model;
        }

        /** @return the value not reported yet, not claimed */
        long pending() {
            return Math.max(0, source.getAsLong() - flushed.get());
        }

        /** @return the value claimed for one report (0 if none is pending) */
        long claim() {
            while (true) {
                long f = flushed.get();
                long now = source.getAsLong();
                if (now <= f) {
                    return 0;
                }
                if (flushed.compareAndSet(f, now)) {
                    return now - f;
                }
            }
        }
    }

    /**
     * One candidate's fleet-wide value share.
     *
     * <p>Guarantee: {@code consumed} in Redis (candidate value granted or held by the fleet) is
     * at most {@code floor(share x seen)}, where {@code seen} is the model value the instances
     * reported, and only ever grows; every report is of value really seen, so the candidate
     * value granted fleet-wide never exceeds the share of the model value the fleet saw, at any
     * moment. A grant comes out of this instance's reserve (value leased ahead of need) with
     * one CAS; a request whose value the reserve cannot cover is refused at once.
     *
     * <p>Design: the reserve and the one-lease-in-flight flag work as in {@link RedisAccount}.
     * A lease call also reports the model value seen since the last report (claimed from
     * {@link ModelSeen}), so the allowance grows with the traffic; it is sent when the reserve
     * runs low, when the unreported value would add about a lease's worth of allowance, or
     * every 20 ms while value is pending. A lease call that fails after it
     * was sent drops its report (it may or may not have been applied: an understated total is
     * stricter); one that could not be sent returns it.
     */
    private final class ValueShareAccount implements ValueAccount {
        private final String key;
        private final String seenKey;
        private final ModelSeen model;
        final AtomicLong reserve = new AtomicLong();
        private final AtomicBoolean refilling = new AtomicBoolean();
        private volatile double reserveShare = Double.MAX_VALUE;
        /** A racy moving average of the value asked for: sizes the leases. */
        private volatile long typical;
        /** Value refused since the last lease: the demand the next lease also asks for. */
        private final AtomicLong refused = new AtomicLong();
        private volatile long lastFlushMillis;
        private volatile long retryAtMillis = Long.MIN_VALUE;

        ValueShareAccount(BudgetKey budget, ModelSeen model) {
            this.key = valueKey(budget);
            this.seenKey = seenKey(budget.model());
            this.model = model;
        }

        @Override
        public boolean tryGrantNow(long micros, double maxShare) {
            if (micros < 0 || !(maxShare >= 0 && maxShare <= 1)) {
                throw new IllegalArgumentException("micros must not be negative and maxShare "
                        + "between 0 and 1, but were " + micros + " and " + maxShare);
            }
            if (maxShare < reserveShare && reserve.get() > 0) {
                returnReserve(); // leased under a larger share
            }
            long t = typical;
            typical = t + (micros - t) / 16; // lost updates are harmless
            boolean got = false;
            for (long held = reserve.get(); held >= micros; held = reserve.get()) {
                if (reserve.compareAndSet(held, held - micros)) {
                    got = true;
                    break;
                }
            }
            if (!closed.get()) {
                maybeRefill(micros, maxShare);
            }
            if (!got) {
                refused.addAndGet(micros);
                if (degraded.get()) {
                    throw UNAVAILABLE;
                }
            }
            return got;
        }

        private long leaseSize(long micros) {
            return Math.max(2L * allotment * Math.max(typical, 1), 2 * micros);
        }

        private void maybeRefill(long micros, double share) {
            long lease = leaseSize(micros);
            long held = reserve.get();
            long now = clock.millis();
            boolean low = held < lease / 2;
            long pending = model.pending();
            boolean report = pending > 0 && (share * pending >= lease / 2.0
                    || now - lastFlushMillis >= FLUSH_MILLIS);
            if (!low && !report) {
                return;
            }
            if (degraded.get() && now < retryAtMillis) {
                return; // one retry per timeout while Redis fails, not one per decision
            }
            if (!refilling.compareAndSet(false, true)) {
                return;
            }
            long before = reserve.get();
            // Ask for the unmet demand too (bounded), so leases keep up with the request rate.
            long demand = Math.min(refused.getAndSet(0), 64 * lease);
            long want = Math.max(0, lease + demand - before);
            long delta = model.claim();
            lastFlushMillis = now;
            CompletionStage<Long> f;
            try {
                f = writes.send("value share lease", c -> c.eval(LEASE_VALUE,
                        ScriptOutputType.INTEGER, new String[] {seenKey, key},
                        Long.toString(delta), Long.toString(want), Double.toString(share),
                        heldField, Long.toString(before)));
            } catch (RuntimeException e) {
                model.flushed.addAndGet(-delta); // not sent: report it next time
                retryAtMillis = now + timeout.toMillis();
                refilling.set(false);
                failed(e);
                return;
            }
            f.whenComplete((got, error) -> {
                try {
                    if (error != null) {
                        // Unconfirmed by the replicas included: those units are never granted.
                        retryAtMillis = clock.millis() + timeout.toMillis();
                        failed(ReplicatedWrites.unwrap(error));
                    } else {
                        reserveShare = share;
                        reserve.addAndGet(got);
                        if (closed.get()) {
                            returnReserve(); // landed after close(): give it back too
                        }
                        recovered();
                    }
                } finally {
                    refilling.set(false);
                }
            });
        }

        private void returnReserve() {
            long held = reserve.getAndSet(0);
            if (held <= 0) {
                return;
            }
            try {
                connection.get().async().eval(GIVE_BACK, ScriptOutputType.INTEGER,
                        new String[] {key}, Long.toString(held), heldField, "0")
                        .whenComplete((r, e) -> {
                            if (e != null) {
                                failed(e); // stays consumed: stricter
                            }
                        });
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        void giveBackHeld(long units) {
            await(connection.get().async().eval(GIVE_BACK, ScriptOutputType.INTEGER,
                    new String[] {key}, Long.toString(Math.max(0, units)), heldField, "0"));
        }

        @Override
        public void reset() {
            reserve.set(0);
            try {
                await(connection.get().async().eval(RESET, ScriptOutputType.INTEGER,
                        new String[] {key}, heldField));
                reserveShare = Double.MAX_VALUE;
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                throw e;
            }
        }
    }

    private record WindowKey(BudgetKey budget, long windowMillis) {}

    /**
     * One candidate's rolling-window budget, fleet-wide.
     *
     * <p>Guarantee: the grants of all instances within any window of the budget's length never
     * exceed the limit. Time is cut in buckets of {@code ceil(window / 60)} ms, as core's
     * {@code WindowCounter} cuts it, so a window spans at most 61 buckets. Redis counts the
     * units <em>leased</em> per bucket; a lease for bucket {@code b} is granted only if the
     * buckets {@code b - 60 .. b} hold less than the limit, and never for a bucket older than
     * the newest leased one. An instance grants from a chunk only while its clock is in the
     * chunk's bucket, so every grant is counted in the bucket it happened in, whether the chunk
     * was used up or not (units left when the bucket ends are gone, never carried over). For
     * any window, the last lease into its buckets saw every earlier lease of them and no later
     * bucket, so the window holds at most the limit.
     *
     * <p>Design: the chunk is one {@code AtomicLong} packing the bucket (high 41 bits) and the
     * units left (low 23 bits), so a grant is one CAS and allocates nothing; a refill for the
     * current bucket is sent when the chunk holds fewer than {@code allotment} units of it (at
     * most one in flight; after a failure, one retry per timeout), and its result is merged by
     * CAS: added to a chunk of the same bucket, replacing an older one, dropped if older. While
     * Redis fails, the instance grants only what its chunk of the current bucket holds.
     */
    private final class RedisWindowAccount extends LeasedRefill implements WindowAccount {
        private static final int COUNT_BITS = 23;
        private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
        private static final long BUCKET_MASK = (1L << (64 - COUNT_BITS)) - 1;

        private final long slotMillis;
        private final long expireMillis;
        private final AtomicLong chunk = new AtomicLong();
        private volatile long chunkLimit = Long.MAX_VALUE;
        private volatile long lastBucket = Long.MIN_VALUE;

        RedisWindowAccount(BudgetKey budget, long windowMillis) {
            super(windowKey(budget, windowMillis));
            this.slotMillis = Math.max(1, (windowMillis + SLOTS - 1) / SLOTS);
            this.expireMillis = 3 * windowMillis;
        }

        private static long pack(long bucket, long count) {
            return ((bucket & BUCKET_MASK) << COUNT_BITS) | count;
        }

        private static long bucketOf(long packed) {
            return packed >>> COUNT_BITS;
        }

        @Override
        public boolean tryGrantNow(long nowMillis, long limit) {
            if (limit < 0) {
                throw new IllegalArgumentException("limit must not be negative, but was "
                        + limit);
            }
            long bucket = Math.floorDiv(nowMillis, slotMillis);
            long b = bucket & BUCKET_MASK;
            if (limit < chunkLimit && (chunk.get() & COUNT_MASK) > 0) {
                chunk.set(0); // leased under a larger limit: drop it (it stays counted)
            }
            boolean got = false;
            long held = 0;
            for (long c = chunk.get(); bucketOf(c) == b; c = chunk.get()) {
                held = c & COUNT_MASK;
                if (held == 0) {
                    break;
                }
                if (chunk.compareAndSet(c, c - 1)) {
                    got = true;
                    held--;
                    break;
                }
            }
            if (held < allotment && !closed.get()) {
                refill(bucket, limit, held);
            }
            if (!got && (degraded.get() || lost)) {
                throw UNAVAILABLE;
            }
            return got;
        }

        private void refill(long bucket, long limit, long held) {
            if (!startRefill()) {
                return;
            }
            long want = Math.min(2L * allotment - held, COUNT_MASK / 2);
            if (want <= 0) {
                refilling.set(false);
                return;
            }
            boolean mustExist = seen && lastBucket != Long.MIN_VALUE
                    && bucket - lastBucket <= SLOTS;
            lease(() -> writes.send("window budget lease", c -> c.eval(LEASE_WINDOW,
                    ScriptOutputType.INTEGER, new String[] {key}, Long.toString(bucket),
                    Long.toString(want), Long.toString(limit), mustExist ? "1" : "0",
                    Long.toString(expireMillis))), got -> {
                        lastBucket = bucket;
                        chunkLimit = limit;
                        merge(bucket & BUCKET_MASK, got);
                    });
        }

        /** Adds leased units to the chunk of their bucket; a newer bucket replaces an older. */
        private void merge(long b, long got) {
            while (true) {
                long c = chunk.get();
                long cb = bucketOf(c);
                long next;
                if (cb == b) {
                    next = c + Math.min(got, COUNT_MASK - (c & COUNT_MASK));
                } else if (b > cb || (c & COUNT_MASK) == 0) {
                    next = pack(b, got);
                } else {
                    return; // leased for a bucket already over here: those units are gone
                }
                if (chunk.compareAndSet(c, next)) {
                    return;
                }
            }
        }

        @Override
        String what() {
            return "window budget";
        }

        /**
         * {@inheritDoc}
         *
         * <p>Here: forgets every bucket in Redis. Chunks other instances hold for the current
         * bucket stay usable there (up to {@code 2 x allotment} each, within that bucket).
         */
        @Override
        public void reset() {
            chunk.set(0);
            try {
                await(connection.get().async().eval(RESET_WINDOW, ScriptOutputType.INTEGER,
                        new String[] {key}));
                lost = false;
                seen = false;
                chunkLimit = Long.MAX_VALUE;
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                throw e;
            }
        }
    }

    /** Thrown (preallocated, without a stack trace) when Redis is down and the reserve empty. */
    private static final class UnavailableException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        UnavailableException() {
            super("the Redis budget ledger is unreachable and this instance holds no units",
                    null);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
