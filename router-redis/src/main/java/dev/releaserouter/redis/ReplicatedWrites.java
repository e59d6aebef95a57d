package dev.releaserouter.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the fleet sends the writes a failover must not lose (budget leases, lease grants, override
 * changes, rollout writes, audit entries, measurement windows, the flag document).
 *
 * <p>Without replica acknowledgements ({@code replicas == 0}, the default) a write is sent alone
 * and done when the primary answers: Redis replication is asynchronous, so a failover to a
 * replica that had not received it yet loses it. With {@code replicas = n}, each write is
 * followed, on the same connection and without waiting in between, by {@code WAIT n timeout};
 * the write is done only when at least {@code n} replicas acknowledged it (WAIT counts the
 * replicas that processed every write of this connection so far, and replication is one ordered
 * stream, so they also have everything the primary executed before it). Fewer acknowledgements
 * complete the write with an {@link UnconfirmedWriteException}: it is in force on the primary but
 * not safe, and each caller takes the safe side. After an unconfirmed write the writes are
 * <em>lagging</em>: the next write first sends a bare {@code WAIT} and is not sent at all
 * (plain {@link UncheckedIOException}) unless the replicas have caught up, so a replica outage
 * costs at most the writes in flight when it began, not one write per retry. The fleet's
 * maintenance tick probes the same way, so the state clears by itself.
 *
 * <p>The connection: the fleet gives these writes one of their own, because {@code WAIT} blocks
 * the connection it is sent on for up to its timeout while the replicas lag (reads and polls
 * must not queue behind it), and without auto-reconnect (the maintenance tick connects a new
 * one), because a {@code WAIT} carried over to a connection to another primary would count that
 * connection's writes (none) and confirm a write that went to the old one. A write's reply and
 * its {@code WAIT}'s always come from the same connection: the {@code WAIT} is sent right after
 * the write, before its reply, and a lost connection fails whatever was still in flight.
 *
 * <p>Design (concurrency): thread-safe. The only state is the {@code lagging} flag (flipped by
 * compare-and-set so that each episode is logged once) and a counter; the futures complete on
 * Lettuce's event loop, where the callbacks only dispatch commands and touch atomics.
 */
final class ReplicatedWrites {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedWrites.class);

    private final Supplier<StatefulRedisConnection<String, String>> connection;
    private final int replicas;
    private final Duration wait;
    private final String where;
    private final AtomicBoolean lagging = new AtomicBoolean();
    private final AtomicLong unconfirmed = new AtomicLong();

    /**
     * @param connection the connection writes are sent on (it throws, unchecked, while there is
     *     none); with acknowledgements, one that does not replay commands after a reconnect
     * @param replicas how many replicas must acknowledge each write; 0: none (no {@code WAIT})
     * @param wait how long {@code WAIT} waits for them, at least 1 ms when replicas is positive
     * @param where the Redis deployment, for messages (no credentials)
     * @throws IllegalArgumentException if replicas is negative or the wait out of range
     */
    ReplicatedWrites(Supplier<StatefulRedisConnection<String, String>> connection, int replicas,
            Duration wait, String where) {
        this.connection = Objects.requireNonNull(connection, "connection");
        if (replicas < 0 || (replicas > 0 && wait.toMillis() < 1)) {
            throw new IllegalArgumentException("replicas must not be negative and the wait at "
                    + "least 1 ms, but were " + replicas + " and " + wait);
        }
        this.replicas = replicas;
        this.wait = replicas == 0 ? Duration.ZERO : wait;
        this.where = where;
    }

    /**
     * @param connection the connection writes are sent on
     * @return writes sent alone, done when the primary answers
     */
    static ReplicatedWrites unacknowledged(
            Supplier<StatefulRedisConnection<String, String>> connection) {
        return new ReplicatedWrites(connection, 0, Duration.ZERO, "Redis");
    }

    /** @return how many replicas must acknowledge a write (0: none) */
    int replicas() {
        return replicas;
    }

    /** @return how much longer than a plain command a write may take (the {@code WAIT}) */
    Duration extraWait() {
        return wait;
    }

    /** @return whether the last write or probe found the replicas behind */
    boolean lagging() {
        return lagging.get();
    }

    /** @return writes that were not acknowledged by enough replicas, since creation */
    long unconfirmed() {
        return unconfirmed.get();
    }

    /**
     * Sends a write (and, with acknowledgements, its {@code WAIT}).
     *
     * @param what what the write does, for messages (e.g. "budget lease")
     * @param write the write, on the asynchronous commands of the connection
     * @return its reply once it is done; exceptionally an {@link UnconfirmedWriteException} if
     *     too few replicas acknowledged it, an {@link UncheckedIOException} if it was not sent
     *     because the replicas lag, or the write's own error
     * @throws RuntimeException (unchecked, from the connection supplier) if there is no
     *     connection: nothing was sent
     */
    <T> CompletableFuture<T> send(String what,
            Function<RedisAsyncCommands<String, String>, RedisFuture<T>> write) {
        RedisAsyncCommands<String, String> a = connection.get().async();
        if (replicas == 0) {
            return write.apply(a).toCompletableFuture();
        }
        if (!lagging.get()) {
            return confirmed(a, what, write);
        }
        return a.waitForReplication(replicas, wait.toMillis()).toCompletableFuture()
                .thenCompose(n -> {
                    if (n < replicas) {
                        throw new CompletionException(new UncheckedIOException(new IOException(
                                where + ": " + what + " not sent: the replicas still lag ("
                                        + n + " of " + replicas + " caught up within "
                                        + wait.toMillis() + " ms)")));
                    }
                    caughtUp();
                    return confirmed(a, what, write);
                });
    }

    private <T> CompletableFuture<T> confirmed(RedisAsyncCommands<String, String> a, String what,
            Function<RedisAsyncCommands<String, String>, RedisFuture<T>> write) {
        // Pipelined: the write and its WAIT leave together; WAIT covers it (same connection).
        CompletableFuture<T> reply = write.apply(a).toCompletableFuture();
        CompletableFuture<Long> acks = a.waitForReplication(replicas, wait.toMillis())
                .toCompletableFuture();
        return reply.thenCompose(r -> acks.handle((n, e) -> {
            if (e == null && n != null && n >= replicas) {
                caughtUp();
                return r;
            }
            throw new CompletionException(unconfirmed(what, e == null && n != null ? n : -1,
                    e));
        }));
    }

    private UnconfirmedWriteException unconfirmed(String what, long acked,
            @Nullable Throwable error) {
        unconfirmed.incrementAndGet();
        String m = where + ": " + what + " was written on the primary but "
                + (acked < 0 ? "the wait for its replica acknowledgements failed ("
                        + unwrap(error) + ")"
                        : "acknowledged by " + acked + " of " + replicas + " replicas within "
                                + wait.toMillis() + " ms")
                + "; a failover could lose it, so it is not treated as done";
        if (lagging.compareAndSet(false, true)) {
            LOG.warn("Release Router fleet: writes are not confirmed by {} replicas ({}); budget"
                    + " leases are not used, leases not taken and admin changes reported "
                    + "unconfirmed until the replicas catch up", replicas, m);
        }
        return new UnconfirmedWriteException(m, acked, replicas);
    }

    private void caughtUp() {
        if (lagging.compareAndSet(true, false)) {
            LOG.info("Release Router fleet: {} replicas acknowledge writes again", replicas);
        }
    }

    /**
     * While lagging, asks whether the replicas caught up (a bare {@code WAIT}); otherwise does
     * nothing. For the maintenance tick: bounded by the wait plus the timeout; never throws.
     *
     * @param timeout how long the command itself may take beyond the wait
     */
    void probe(Duration timeout) {
        if (replicas == 0 || !lagging.get()) {
            return;
        }
        try {
            Long n = connection.get().async().waitForReplication(replicas, wait.toMillis())
                    .get(wait.plus(timeout).toNanos(), TimeUnit.NANOSECONDS);
            if (n != null && n >= replicas) {
                caughtUp();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.debug("Release Router fleet: replica probe failed: {}", e.toString());
        }
    }

    /** @return the cause of a completion wrapper, for messages */
    static Throwable unwrap(@Nullable Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException)
                && e.getCause() != null) {
            e = e.getCause();
        }
        return e == null ? new IllegalStateException("unknown") : e;
    }
}
