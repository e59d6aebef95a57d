package dev.releaserouter.redis;

import dev.releaserouter.api.config.ConfigException;
import dev.releaserouter.api.config.FlagSource;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.core.FlagSources;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flag document kept in Redis (hash {@code <prefix>flags}: {@code rev}, {@code content}), as
 * an alternative to a mounted file: {@link RedisFleet#publishFlags} writes a validated document
 * and announces it; every instance's router applies it.
 *
 * <p>{@link #load()} reads the document; when Redis is unreachable or holds none, the fallback
 * source (e.g. the flag file on the classpath) answers, so an instance always starts. A
 * document that is invalid fails {@code load()} with a {@link ConfigException} naming this
 * source, like an invalid file. {@link #watch} follows changes on the fleet's maintenance thread:
 * on every tick (200 ms), at once when a change is announced on {@code <prefix>flags:changes},
 * and after a reconnect; a newer revision is parsed and handed to the listener, an invalid one is
 * reported once to {@code onError} and the router keeps its last good configuration (as with a
 * file). The fallback is only used by {@code load()}; it is not watched.
 *
 * <p>Failover: a router applies whatever document Redis holds when its revision or content
 * differs from the one it applied, so after a failover to a replica that lacks the last
 * publication every router follows the new primary's document (the lost publication is undone,
 * never half-applied); with {@link RedisFleet.Builder#replicaAcks}, {@code publishFlags} returns
 * only once enough replicas have the document, else it throws {@link UnconfirmedWriteException}.
 *
 * <p>Design (concurrency): the polls run on the fleet's single maintenance thread, so listener
 * calls never overlap; the last applied and the last reported revision are only touched there.
 * {@code load()} may run on any thread; it only reads Redis and sets the starting revision
 * before {@code watch} is called (the router loads, then watches).
 */
final class RedisFlagSource implements FlagSource {

    private static final Logger LOG = LoggerFactory.getLogger(RedisFlagSource.class);

    // KEYS[1] hash; ARGV: content, channel. Returns the new revision.
    static final String PUBLISH = """
            local rev = redis.call('HINCRBY', KEYS[1], 'rev', 1)
            redis.call('HSET', KEYS[1], 'content', ARGV[1])
            redis.call('PUBLISH', ARGV[2], rev)
            return rev
            """;

    private final RedisConnections redis;
    private final FlagSource fallback;
    private final String key;
    private final String channel;
    private final String source;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile @Nullable Listener listener;
    private volatile long appliedRevision;
    private volatile @Nullable String appliedContent;
    private long reportedRevision;
    private @Nullable String reportedContent;

    RedisFlagSource(RedisConnections redis, FlagSource fallback) {
        this.redis = redis;
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.key = redis.keyPrefix() + "flags";
        this.channel = key + ":changes";
        this.source = "redis:" + key;
    }

    /** @return the hash the document is kept in */
    String key() {
        return key;
    }

    /** @return the channel changes are announced on */
    String channel() {
        return channel;
    }

    @Override
    public String description() {
        return source + " (fallback " + fallback.description() + ")";
    }

    @Override
    public RouterConfig load() {
        List<KeyValue<String, String>> h;
        try {
            h = redis.call("flag document load", c -> c.hmget(key, "rev", "content"));
        } catch (RuntimeException e) {
            LOG.warn("Release Router: the flag document in Redis cannot be read ({}); starting"
                    + " from {}", e.getMessage(), fallback.description());
            return fallback.load();
        }
        if (!h.get(0).hasValue() || !h.get(1).hasValue()) {
            LOG.info("Release Router: no flag document in Redis ({}); starting from {}", key,
                    fallback.description());
            return fallback.load();
        }
        RouterConfig config = FlagSources.parse(h.get(1).getValue(), source);
        appliedRevision = Long.parseLong(h.get(0).getValue());
        appliedContent = h.get(1).getValue();
        return config;
    }

    @Override
    public void watch(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        if (this.listener != null) {
            throw new IllegalStateException(source + " is already watched");
        }
        this.listener = listener;
        redis.subscribe(channel, message -> redis.tickSoon());
        redis.onTick(this::poll);
        redis.tickSoon();
    }

    @Override
    public boolean watcherAlive() {
        return listener != null && !closed.get() && !redis.isClosed();
    }

    /** One look at the document; on the maintenance thread. Never throws. */
    private void poll() {
        Listener l = listener;
        if (l == null || closed.get()) {
            return;
        }
        try {
            List<KeyValue<String, String>> h = redis.call("flag document poll",
                    c -> c.hmget(key, "rev", "content"));
            if (!h.get(0).hasValue() || !h.get(1).hasValue()) {
                return; // none published (yet): the configuration loaded at start stays
            }
            long rev = Long.parseLong(h.get(0).getValue());
            String content = h.get(1).getValue();
            // The content too: after a failover another document can carry a revision seen.
            if ((rev == appliedRevision && content.equals(appliedContent))
                    || (rev == reportedRevision && content.equals(reportedContent))) {
                return;
            }
            RouterConfig config;
            try {
                config = FlagSources.parse(content, source + "@" + rev);
            } catch (ConfigException e) {
                reportedRevision = rev;
                reportedContent = content;
                l.onError(e);
                return;
            }
            appliedRevision = rev;
            appliedContent = content;
            l.onChange(config);
        } catch (Throwable t) {
            // The fleet's maintenance thread must survive anything (team policy): counted by the
            // fleet when Redis failed, logged here otherwise; the next tick retries.
            LOG.debug("Release Router: polling {} failed: {}", source, t.toString());
        }
    }

    /**
     * Validates and publishes a document.
     *
     * @return the new revision
     * @throws ConfigException if the document is not a valid flag file (nothing is published)
     */
    static long publish(RedisConnections redis, String json) {
        String key = redis.keyPrefix() + "flags";
        FlagSources.parse(json, "redis:" + key + " (to publish)"); // what no router would load
        Long rev = redis.write("flag document publish", c -> c.<Long>eval(PUBLISH,
                ScriptOutputType.INTEGER, new String[] {key}, json, key + ":changes"));
        return rev;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            fallback.close();
        }
    }
}
