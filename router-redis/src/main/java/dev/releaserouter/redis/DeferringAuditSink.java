package dev.releaserouter.redis;

import dev.releaserouter.api.audit.AuditEvent;
import dev.releaserouter.api.audit.AuditSink;
import dev.releaserouter.core.audit.AuditChain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The audit sink {@link RedisFleet#auditSink()} hands out: the fleet's Redis trail, except that a
 * change to this instance's own base configuration (its start, a flag-file reload such as a kill
 * switch pushed through a ConfigMap, a programmatic apply) is never refused because Redis cannot
 * record it. Such an entry is deferred: logged at WARN to the audit logger
 * ({@code dev.releaserouter.audit}), kept in a bounded in-memory queue (and, if configured, in
 * a local spool file that survives a restart of the process), shown in {@link FleetStatus}, and
 * replayed into the stream, in order, on the fleet's maintenance tick once Redis answers, with
 * its original time and the actor suffix {@code " (deferred)"}. Each entry carries a unique
 * replay id that Redis remembers with the append, so a replay whose reply was lost (or a spool
 * replayed by the next process) is never appended twice.
 *
 * <p>Which entries may be deferred: only the actions in {@link #DEFERRABLE}. Every other entry
 * keeps the {@link AuditSink} contract (the call throws and the change is refused): override
 * changes (kill, weight, stage...) are written to the fleet's override store before they are
 * audited ({@code DefaultRouter.change}), so while Redis is down the store refuses them first
 * and they never get here; {@code budget.reset} is audited before the Redis ledger is reset, so
 * deferring it would record a reset the ledger then refuses; unknown actions (other callers of
 * the sink, future actions) stay strict by default.
 *
 * <p>Thread-safe.
 */
final class DeferringAuditSink implements AuditSink {

    /*
     * Design (concurrency): one ReentrantLock orders the queue and the appends of this instance,
     * so that its entries reach the stream in the order they were recorded. While the queue is
     * non-empty, a deferrable entry joins its tail without calling Redis (a kill switch never
     * waits for a Redis that is known to be down, and cannot overtake an older entry); a strict
     * entry first drains the queue, then appends, and is refused if either fails. The replay
     * (maintenance thread) takes the lock per entry, so a recording thread waits for at most one
     * append (bounded by the command timeout). The chain stays one chain because every append,
     * replayed or not, goes through RedisAuditSink's compare-and-append on the stream's tail:
     * replayed entries land after whatever other instances wrote meanwhile. The queue is bounded
     * (capacity); an entry that does not fit is dropped from it, counted, and was logged already.
     * Counters are read without the lock (volatile/atomics) so status() never blocks.
     */

    /** The actions whose entries are deferred rather than refused while Redis is down. */
    static final Set<String> DEFERRABLE = Set.of("config.load", "config.reload", "config.apply");

    /** The default capacity of the deferred queue. */
    static final int DEFAULT_CAPACITY = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(DeferringAuditSink.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("dev.releaserouter.audit");
    private static final int MAX_LOGGED_CHARS = 4_000;

    private final RedisAuditSink redis;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Deferred> deferred = new ArrayDeque<>();
    private final @Nullable Path spool;
    private final AtomicLong spoolFailures = new AtomicLong();
    private volatile int waiting;
    private volatile @Nullable Instant oldest;
    private final AtomicLong deferredTotal = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong overflowed = new AtomicLong();
    private final AtomicBoolean overflowLogged = new AtomicBoolean();

    /** A waiting entry: its actor as it will be recorded, and its unique replay id. */
    private record Deferred(String id, AuditEvent recorded) {}

    /**
     * @param redis the fleet's trail
     * @param capacity how many entries may wait, positive
     * @throws IllegalArgumentException if capacity is not positive
     */
    DeferringAuditSink(RedisAuditSink redis, int capacity) {
        this(redis, capacity, null);
    }

    /**
     * @param redis the fleet's trail
     * @param capacity how many entries may wait, positive
     * @param spool a local file that keeps the waiting entries across a restart of this
     *     process (entries a previous process left in it are loaded and wait to be replayed),
     *     or null to keep them in memory only
     * @throws IllegalArgumentException if capacity is not positive
     */
    DeferringAuditSink(RedisAuditSink redis, int capacity, @Nullable Path spool) {
        this.redis = Objects.requireNonNull(redis, "redis");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, but was " + capacity);
        }
        this.capacity = capacity;
        this.spool = spool;
        if (spool != null) {
            loadSpool(spool);
        }
    }

    /** Loads the entries a previous process left in the spool (bad lines logged, skipped). */
    private void loadSpool(Path file) {
        List<String> lines;
        try {
            if (!Files.exists(file)) {
                return;
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            spoolFailed("read", file, e);
            return;
        }
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            int tab = line.indexOf('\t');
            try {
                if (tab <= 0) {
                    throw new IllegalArgumentException("no replay id before a tab");
                }
                AuditEvent e = AuditChain.parse(line.substring(tab + 1)).event();
                if (deferred.size() < capacity) {
                    deferred.addLast(new Deferred(line.substring(0, tab), e));
                    deferredTotal.incrementAndGet();
                } else {
                    overflowed.incrementAndGet();
                }
            } catch (RuntimeException e) {
                spoolFailures.incrementAndGet();
                LOG.error("Release Router fleet: line {} of the deferred audit spool {} is not "
                        + "an entry and is skipped ({}): {}", n, file, e.getMessage(),
                        oneLine(line));
            }
        }
        updateCounts();
        if (!deferred.isEmpty()) {
            LOG.warn("Release Router fleet: {} deferred audit entries of an earlier process "
                    + "wait in {} to be replayed into the Redis trail", deferred.size(), file);
        }
    }

    /** @return the fleet's trail this sink appends to */
    RedisAuditSink trail() {
        return redis;
    }

    /** @return entries waiting to be replayed */
    int waiting() {
        return waiting;
    }

    /** @return the time of the oldest waiting entry, or null if none waits */
    @Nullable Instant oldestWaiting() {
        return oldest;
    }

    /** @return entries deferred since creation (replayed, waiting or dropped) */
    long deferredTotal() {
        return deferredTotal.get();
    }

    /** @return deferred entries replayed into the stream since creation */
    long replayed() {
        return replayed.get();
    }

    /** @return deferred entries dropped because the queue was full */
    long overflowed() {
        return overflowed.get();
    }

    /** @return failed reads or writes of the spool file (and bad lines in it) */
    long spoolFailures() {
        return spoolFailures.get();
    }

    /**
     * Appends the event to the fleet's trail, or defers it (see the class comment).
     *
     * @param event the event
     * @throws java.io.UncheckedIOException if Redis cannot take a non-deferrable entry (the
     *     change is then refused)
     * @throws NullPointerException if event is null
     */
    @Override
    public void record(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        boolean deferrable = DEFERRABLE.contains(event.action());
        lock.lock();
        try {
            if (!deferred.isEmpty()) {
                if (deferrable) {
                    defer(event, "older entries of this instance are still waiting");
                    return;
                }
                drain(); // throws if Redis cannot take them: this change is refused
            }
            try {
                redis.record(event);
            } catch (RuntimeException e) {
                if (!deferrable) {
                    throw e;
                }
                defer(event, e.getMessage());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Replays the waiting entries, oldest first, until the queue is empty or an append fails
     * (the rest wait for the next tick). Never throws. Called on the fleet's maintenance tick.
     */
    void replay() {
        if (waiting == 0) {
            return;
        }
        try {
            while (true) {
                lock.lock();
                try {
                    if (!replayOne()) {
                        return;
                    }
                } finally {
                    lock.unlock();
                }
            }
        } catch (RuntimeException e) {
            // Still unreachable: the entries wait (already counted and visible in the status).
            LOG.debug("Release Router fleet: deferred audit entries wait: {}", e.toString());
        }
    }

    /** Appends every waiting entry; the caller holds the lock. */
    private void drain() {
        while (replayOne()) {
            // one entry per iteration
        }
    }

    /** @return false if nothing waits; throws if the head cannot be appended (it stays) */
    private boolean replayOne() {
        Deferred head = deferred.peekFirst();
        if (head == null) {
            return false;
        }
        redis.replay(head.recorded(), head.id());
        deferred.pollFirst();
        replayed.incrementAndGet();
        updateCounts();
        writeSpool();
        if (deferred.isEmpty()) {
            overflowLogged.set(false);
            LOG.info("Release Router fleet: every deferred audit entry is now in the Redis trail"
                    + " {} ({} replayed since start)", redis.key(), replayed.get());
        }
        return true;
    }

    private void defer(AuditEvent event, @Nullable String why) {
        deferredTotal.incrementAndGet();
        logDeferred(event, why);
        if (deferred.size() >= capacity) {
            overflowed.incrementAndGet();
            if (overflowLogged.compareAndSet(false, true)) {
                LOG.error("Release Router fleet: the deferred audit queue is full ({} entries);"
                        + " further entries are only in the audit log ({}) until Redis takes the"
                        + " waiting ones", capacity, AUDIT.getName());
            }
            return;
        }
        Deferred d = new Deferred(UUID.randomUUID().toString(), redis.recorded(event, true));
        deferred.addLast(d);
        updateCounts();
        appendSpool(d);
    }

    private void updateCounts() {
        Deferred head = deferred.peekFirst();
        oldest = head == null ? null : head.recorded().time();
        waiting = deferred.size();
    }

    private static String spoolLine(Deferred d) {
        return d.id() + "\t" + AuditChain.next(0, AuditChain.GENESIS_HASH, d.recorded()).line()
                + "\n";
    }

    /** Adds an entry to the spool, synced to the disk; a failure is logged, never thrown. */
    private void appendSpool(Deferred d) {
        Path file = spool;
        if (file == null) {
            return;
        }
        try {
            Files.writeString(file, spoolLine(d), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.DSYNC);
        } catch (IOException | RuntimeException e) {
            spoolFailed("write", file, e);
        }
    }

    /** Rewrites the spool with the entries still waiting (atomic replace). Never throws. */
    private void writeSpool() {
        Path file = spool;
        if (file == null) {
            return;
        }
        try {
            StringBuilder b = new StringBuilder();
            for (Deferred d : deferred) {
                b.append(spoolLine(d));
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, b, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE,
                    StandardOpenOption.DSYNC);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            spoolFailed("rewrite", file, e);
        }
    }

    private void spoolFailed(String what, Path file, Exception e) {
        if (spoolFailures.getAndIncrement() == 0) {
            LOG.error("Release Router fleet: cannot {} the deferred audit spool {} ({}); the "
                    + "entries stay in memory and in the audit log; further failures are only "
                    + "counted", what, file, e.toString());
        }
    }

    /** The entry in the log, so that it is never lost silently (one line, values escaped). */
    private void logDeferred(AuditEvent e, @Nullable String why) {
        try {
            LoggingEventBuilder line = AUDIT.atWarn()
                    .addKeyValue("time", e.time().toString())
                    .addKeyValue("actor", oneLine(redis.recordedActor(e.actor(), true)))
                    .addKeyValue("action", oneLine(e.action()))
                    .addKeyValue("target", oneLine(e.target()));
            addIfPresent(line, "before", e.before());
            addIfPresent(line, "after", e.after());
            line.addKeyValue("reason", oneLine(e.reason()));
            addIfPresent(line, "ticket", e.ticket());
            line.addKeyValue("revision", e.revision())
                    .log("{} {} by {} (revision {}): {}; deferred, the Redis audit trail cannot"
                            + " take it ({}); it is replayed when Redis is back",
                            oneLine(e.action()), oneLine(e.target()), oneLine(e.actor()),
                            e.revision(), oneLine(e.reason()), why);
        } catch (RuntimeException ignored) {
            // The log is a mirror: it must not refuse the change.
        }
    }

    private static void addIfPresent(LoggingEventBuilder line, String key,
            @Nullable String value) {
        if (value != null) {
            line.addKeyValue(key, oneLine(value));
        }
    }

    private static String oneLine(String value) {
        String v = value.length() <= MAX_LOGGED_CHARS ? value
                : value.substring(0, MAX_LOGGED_CHARS) + "... [" + (value.length()
                        - MAX_LOGGED_CHARS) + " more characters]";
        StringBuilder b = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Closes the trail; waiting entries stay in the log only (counted in the status). */
    @Override
    public void close() {
        redis.close();
    }
}
