package dev.releaserouter.redis;

import dev.releaserouter.api.spi.LeaseGrant;
import dev.releaserouter.api.spi.OverrideDocument;
import dev.releaserouter.api.spi.OverrideStore;
import dev.releaserouter.api.spi.Subscription;
import dev.releaserouter.rollout.FencedWriteException;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link OverrideStore} of a {@link RedisFleet}: the document, its revision and its epoch in
 * one Redis hash ({@code <prefix>overrides}), written by a Lua compare-and-set that also
 * publishes the change on the channel {@code <prefix>overrides:changes}.
 *
 * <p>Delivery: a subscriber gets a published change as soon as the pub/sub message arrives;
 * whatever it missed (a lost connection, a saturated notifier) it gets from the poll of the
 * fleet's maintenance thread (every {@link RedisConnections#TICK}, and at once after a reconnect
 * or a re-subscription), which reads the revision and, if newer, the document. So a subscriber
 * catches up within one poll period plus Lettuce's reconnect delay (at most 250 ms) of Redis
 * being back.
 *
 * <p>Redis restarted empty (or flushed): revisions would start again at 1, and a router applies
 * only revisions newer than its own, so the fleet would stop applying changes. The store
 * prevents it with an <em>epoch</em>, a random id stored with the document when the hash is
 * created. An instance that finds the hash missing, or in another epoch than the one it last
 * saw, <em>adopts</em> it atomically (a Lua script): if Redis is empty, it re-publishes its last
 * known document at its revision + 1; if Redis holds a document of a new epoch at a revision
 * not above its own, it raises that revision to its own + 1 (the content is kept). Either way
 * the fleet's revision ends above every adopting instance's, every instance applies the
 * result, and revisions stay strictly increasing as every instance sees them. Bounds and
 * limits: adoption happens on the next poll or load (at most {@link RedisConnections#TICK} plus
 * the reconnect delay after Redis is back). A re-seeded document remembers the revision its
 * seeder knew; an instance that knew a newer one replaces the re-seeded content with its own
 * (at a revision above both), so the fleet ends on the newest document any adopting instance
 * knew, not on the first adopter's. Limit: an ordinary write made on the re-seeded document
 * before the newer instance adopts it (a change in that instant) clears the mark, and wins.
 *
 * <p>Failover to a replica that lacks the last writes (Redis replicates asynchronously): the
 * epoch is the same but the revision went back, or another document was written at a revision
 * this instance already applied; left alone, every instance that saw the lost revision would
 * ignore the fleet's next changes as "older". An instance that finds the hash behind what it
 * saw (a lower revision, or its revision with other content: the poll compares a SHA-1 of the
 * content, field {@code sha}) adopts it like a restarted Redis: a lower revision is re-seeded
 * with the newest document this instance knew (marked like a re-seed, so an instance that knew
 * a newer one still replaces it); another document at its own revision is kept (it was written
 * after the failover) and raised above it. With {@link RedisFleet.Builder#replicaAcks} a
 * change returns only once enough replicas have it, else it throws
 * {@link UnconfirmedWriteException}: every change reported done survives a failover, and one
 * reported unconfirmed may or may not be in force afterwards (the instances that applied it
 * re-seed it if the new primary lacks it).
 *
 * <p>Design (concurrency): every write is one Lua script (atomic in Redis). The newest document
 * seen is an {@link AtomicReference} replaced only by a newer revision. Each subscription keeps
 * one pending document (the newest offered) and a scheduled flag: offering replaces the
 * pending document and schedules a drain on the fleet's single notifier thread if none is
 * scheduled, so notifications are coalesced, never queued without bound, never overlap, and
 * never run on a caller's thread or a Netty thread.
 */
final class RedisOverrideStore implements OverrideStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisOverrideStore.class);

    // KEYS[1] hash; ARGV: expected revision, content, new epoch, channel, expected epoch or ""
    private static final String CAS = """
            local cur = redis.call('HMGET', KEYS[1], 'rev', 'epoch')
            local rev = tonumber(cur[1]) or 0
            local epoch = cur[2]
            if rev ~= tonumber(ARGV[1]) then return {} end
            if epoch and ARGV[5] ~= '' and epoch ~= ARGV[5] then return {} end
            if not epoch then epoch = ARGV[3] end
            local nextRev = string.format('%d', rev + 1)
            redis.call('HSET', KEYS[1], 'rev', nextRev, 'epoch', epoch, 'content', ARGV[2],
                'sha', redis.sha1hex(ARGV[2]))
            redis.call('HDEL', KEYS[1], 'seed')
            redis.call('PUBLISH', ARGV[4], epoch .. ' ' .. nextRev .. ' ' .. ARGV[2])
            return {epoch, nextRev, ARGV[2]}
            """;

    // KEYS[1] hash, KEYS[2] the fence's lease hash; ARGV: as CAS, then the fencing token and its
    // holder. The lease check and the write are one script: nothing can take the lease in
    // between. The holder check also refuses a grant a failover lost whose token was handed out
    // again.
    private static final String FENCED_CAS = """
            local lease = redis.call('HMGET', KEYS[2], 'token', 'holder')
            if lease[1] ~= ARGV[6] or lease[2] ~= ARGV[7] then return {'fenced'} end
            """ + CAS;

    // KEYS[1] hash; ARGV: my epoch, my revision, my content, new epoch, channel.
    // A document re-seeded into an empty Redis keeps, in 'seed', the revision its seeder knew
    // (until the next ordinary write clears it): an instance that knew a newer document before
    // the restart replaces the re-seeded content with its own, so a stale instance that happened
    // to re-seed first does not take the fleet back. In the same epoch (a failover lost writes):
    // a revision below mine is re-seeded with my document (marked the same way); another
    // document at my revision stays, raised above it.
    static final String ADOPT = """
            local cur = redis.call('HMGET', KEYS[1], 'rev', 'epoch', 'content', 'seed')
            local mine = tonumber(ARGV[2])
            local sha = redis.sha1hex(ARGV[3])
            if not cur[2] then
              local r = string.format('%d', mine + 1)
              redis.call('HSET', KEYS[1], 'rev', r, 'epoch', ARGV[4], 'content', ARGV[3],
                  'seed', ARGV[2], 'sha', sha)
              redis.call('PUBLISH', ARGV[5], ARGV[4] .. ' ' .. r .. ' ' .. ARGV[3])
              return {ARGV[4], r, ARGV[3]}
            end
            local rev = tonumber(cur[1])
            local reseeded = cur[4] and tonumber(cur[4]) < mine
            local sameEpoch = cur[2] == ARGV[1]
            if sameEpoch and (rev > mine or (rev == mine and cur[3] == ARGV[3])) then
              return {cur[2], cur[1], cur[3]}
            end
            if reseeded or (sameEpoch and rev < mine) then
              local r = string.format('%d', math.max(rev, mine) + 1)
              redis.call('HSET', KEYS[1], 'rev', r, 'content', ARGV[3], 'seed', ARGV[2],
                  'sha', sha)
              redis.call('PUBLISH', ARGV[5], cur[2] .. ' ' .. r .. ' ' .. ARGV[3])
              return {cur[2], r, ARGV[3]}
            end
            if rev <= mine then
              local r = string.format('%d', mine + 1)
              redis.call('HSET', KEYS[1], 'rev', r)
              redis.call('PUBLISH', ARGV[5], cur[2] .. ' ' .. r .. ' ' .. cur[3])
              return {cur[2], r, cur[3]}
            end
            return {cur[2], cur[1], cur[3]}
            """;

    private final RedisConnections redis;
    private final String key;
    private final String channel;
    private final AtomicReference<Seen> latest = new AtomicReference<>(Seen.NONE);
    /** The SHA-1 of the last document the poll compared (maintenance thread only). */
    private @Nullable OverrideDocument hashed;
    private @Nullable String hashedSha;
    private final CopyOnWriteArrayList<Sub> subscriptions = new CopyOnWriteArrayList<>();

    RedisOverrideStore(RedisConnections redis) {
        this.redis = redis;
        this.key = redis.keyPrefix() + "overrides";
        this.channel = redis.keyPrefix() + "overrides:changes";
        redis.subscribe(channel, this::onMessage);
        redis.onTick(this::poll);
    }

    /** The newest document seen, with its epoch (null: none seen). */
    private record Seen(@Nullable String epoch, OverrideDocument document) {
        static final Seen NONE = new Seen(null, OverrideDocument.EMPTY);

        long revision() {
            return document.revision();
        }
    }

    /** @return the newest override revision this instance has seen */
    long lastRevision() {
        return latest.get().revision();
    }

    @Override
    public OverrideDocument load() {
        List<KeyValue<String, String>> h = redis.call("override load",
                c -> c.hmget(key, "epoch", "rev", "content"));
        Seen read = h.get(0).hasValue()
                ? new Seen(h.get(0).getValue(), new OverrideDocument(
                        Long.parseLong(h.get(1).getValue()), h.get(2).getValue()))
                : Seen.NONE;
        return reconcile(read).document();
    }

    /**
     * Adopts a missing, new-epoch or lagging document if this instance knows one (see the class
     * doc).
     */
    private Seen reconcile(Seen read) {
        Seen mine = latest.get();
        boolean sameEpoch = Objects.equals(read.epoch(), mine.epoch());
        boolean behind = sameEpoch && (read.revision() < mine.revision()
                || (read.revision() == mine.revision()
                        && !read.document().content().equals(mine.document().content())));
        if (mine.epoch() != null && mine.revision() > 0 && (!sameEpoch || behind)) {
            List<String> r = redis.write("override adoption", c -> c.<List<String>>eval(ADOPT,
                    ScriptOutputType.MULTI, new String[] {key}, mine.epoch(),
                    Long.toString(mine.revision()), mine.document().content(),
                    UUID.randomUUID().toString(), channel));
            Seen adopted = seen(r);
            if (adopted.revision() != mine.revision()) {
                LOG.info("Release Router: the fleet's override document is not the one this "
                        + "instance saw last ({} at revision {}; Redis had {} at revision {}: "
                        + "restarted empty, or a failover lost writes); adopted at revision {}",
                        mine.epoch(), mine.revision(), read.epoch(), read.revision(),
                        adopted.revision());
            }
            observe(adopted);
            return adopted;
        }
        observe(read);
        return read;
    }

    @Override
    public Optional<OverrideDocument> compareAndSet(long expectedRevision, String content) {
        Objects.requireNonNull(content, "content");
        String epoch = latest.get().epoch();
        List<String> r = redis.write("override compare-and-set", c -> c.<List<String>>eval(CAS,
                ScriptOutputType.MULTI, new String[] {key}, Long.toString(expectedRevision),
                content, UUID.randomUUID().toString(), channel, epoch == null ? "" : epoch));
        if (r == null || r.isEmpty()) {
            return Optional.empty();
        }
        Seen written = seen(r);
        observe(written);
        return Optional.of(written.document());
    }

    /**
     * Writes only while {@code fence} is the current grant of its lease in this fleet's Redis
     * (the lease hash of {@link RedisLease}; an expired lease has no hash: refused).
     *
     * @throws FencedWriteException if another holder has the lease now, or nobody
     */
    @Override
    public Optional<OverrideDocument> compareAndSet(long expectedRevision, String content,
            LeaseGrant fence) {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(fence, "fence");
        String epoch = latest.get().epoch();
        String leaseKey = RedisLease.leaseKey(redis.keyPrefix(), fence.name());
        List<String> r = redis.write("fenced override compare-and-set",
                c -> c.<List<String>>eval(FENCED_CAS, ScriptOutputType.MULTI,
                        new String[] {key, leaseKey}, Long.toString(expectedRevision), content,
                        UUID.randomUUID().toString(), channel, epoch == null ? "" : epoch,
                        Long.toString(fence.fencingToken()), fence.holder()));
        if (r != null && r.size() == 1 && "fenced".equals(r.get(0))) {
            throw new FencedWriteException("override change refused: lease token "
                    + fence.fencingToken() + " of " + fence.name() + " (" + fence.holder()
                    + ") is no longer the lease's current token");
        }
        if (r == null || r.isEmpty()) {
            return Optional.empty();
        }
        Seen written = seen(r);
        observe(written);
        return Optional.of(written.document());
    }

    /** The SHA-1 (hex) of a document's content, as Lua's {@code redis.sha1hex} computes it. */
    private String sha1(OverrideDocument d) {
        if (d != hashed || hashedSha == null) {
            try {
                byte[] h = MessageDigest.getInstance("SHA-1")
                        .digest(d.content().getBytes(StandardCharsets.UTF_8));
                hashedSha = HexFormat.of().formatHex(h);
                hashed = d;
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is missing from this JVM", e);
            }
        }
        return Objects.requireNonNull(hashedSha);
    }

    private static Seen seen(List<String> r) {
        return new Seen(r.get(0), new OverrideDocument(Long.parseLong(r.get(1)), r.get(2)));
    }

    @Override
    public Subscription subscribe(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        Sub s = new Sub(listener, latest.get().revision());
        subscriptions.add(s);
        return s;
    }

    /** A pub/sub message "epoch revision content", on the notifier thread. */
    private void onMessage(String message) {
        int a = message.indexOf(' ');
        int b = message.indexOf(' ', a + 1);
        if (a < 0 || b < 0) {
            return;
        }
        String epoch = message.substring(0, a);
        Seen s = new Seen(epoch, new OverrideDocument(
                Long.parseLong(message.substring(a + 1, b)), message.substring(b + 1)));
        String mine = latest.get().epoch();
        if (mine != null && !mine.equals(epoch)) {
            redis.tickSoon(); // another epoch: adopt it on the maintenance thread
            return;
        }
        observe(s);
    }

    /** The maintenance poll: catches up with missed changes and adopts new epochs. */
    private void poll() {
        List<KeyValue<String, String>> h = redis.call("override poll",
                c -> c.hmget(key, "epoch", "rev", "sha"));
        Seen mine = latest.get();
        String epoch = h.get(0).getValueOrElse(null);
        long rev = h.get(1).hasValue() ? Long.parseLong(h.get(1).getValue()) : 0;
        String sha = h.get(2).getValueOrElse(null);
        // Newer, another epoch, or behind what this instance saw (a failover lost writes): load,
        // which adopts the latter two.
        if (!Objects.equals(epoch, mine.epoch()) || rev != mine.revision()
                || (sha != null && mine.revision() > 0 && !sha.equals(sha1(mine.document())))) {
            load();
        }
        OverrideDocument newest = latest.get().document();
        for (Sub sub : subscriptions) {
            if (sub.delivered < newest.revision()) {
                sub.offer(newest); // a notification that could not be scheduled earlier
            }
        }
    }

    /** Records a document read or written, and offers it to the subscribers if newer. */
    private void observe(Seen s) {
        if (s.epoch() == null) {
            return;
        }
        Seen now = latest.accumulateAndGet(s, (a, b) -> b.revision() > a.revision() ? b : a);
        if (now == s) {
            for (Sub sub : subscriptions) {
                sub.offer(s.document());
            }
        }
    }

    @Override
    public void close() {
        for (Sub s : subscriptions) {
            s.close();
        }
    }

    /** One listener; see the class doc for the coalescing. */
    private final class Sub implements Subscription {
        private final Listener listener;
        private final AtomicReference<OverrideDocument> pending;
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private volatile boolean closed;
        private volatile long delivered; // written on the notifier thread only

        Sub(Listener listener, long from) {
            this.listener = listener;
            this.delivered = from;
            this.pending = new AtomicReference<>(new OverrideDocument(from,
                    OverrideDocument.EMPTY_CONTENT));
        }

        void offer(OverrideDocument d) {
            pending.accumulateAndGet(d, (a, b) -> b.revision() > a.revision() ? b : a);
            if (!closed && scheduled.compareAndSet(false, true)
                    && !redis.dispatch(this::drain)) {
                scheduled.set(false); // saturated or closed: the next poll offers it again
            }
        }

        private void drain() {
            scheduled.set(false);
            OverrideDocument d = pending.get();
            if (closed || d.revision() <= delivered) {
                return;
            }
            delivered = d.revision();
            try {
                listener.onChange(d);
            } catch (Throwable t) {
                // User code: contained, so later notifications still arrive.
                LOG.warn("Release Router: an override listener failed on revision {}: {}",
                        d.revision(), t.toString());
            }
        }

        @Override
        public void close() {
            closed = true;
            subscriptions.remove(this);
        }
    }
}
