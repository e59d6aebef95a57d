package dev.releaserouter.redis;

import dev.releaserouter.api.spi.Lease;
import dev.releaserouter.api.spi.LeaseGrant;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link Lease} of a {@link RedisFleet}: each lease is a hash {@code <prefix>lease:<name>}
 * (holder, token) that expires with Redis' own key expiry ({@code PEXPIRE}); its fencing token
 * is kept in {@code <prefix>lease-token:<name>}, which never expires. Time is the server's
 * (expiry, and {@code expiresAt} from {@code TIME}), so instances' clocks need not agree.
 *
 * <p>Fencing tokens strictly increase across holders, also when Redis forgot the last ones: a
 * new grant's token is {@code max(last token + 1, server time in ms)}. So after a Redis
 * restarted empty, or a failover to a replica that had not received the last grants (Redis
 * replicates asynchronously), the next token is still above every token handed out before, as
 * long as the server's clock (the new primary's) is not behind the one that granted them by more
 * than the time between (a failover alone takes longer than Sentinel's
 * {@code down-after-milliseconds}), and fewer grants were made than milliseconds elapsed. With
 * {@link RedisFleet.Builder#replicaAcks} an acquisition or renewal is only returned once enough
 * replicas have it (else it throws {@link UnconfirmedWriteException}: the lease is not taken),
 * so a grant a failover could lose is never used.
 *
 * <p>Design (concurrency): acquire/renew, release and read are each one Lua script, so each is
 * atomic in Redis: of racing contenders exactly one creates the hash; renewal and release check
 * holder and token inside the script. No state in the JVM.
 */
final class RedisLease implements Lease {

    // KEYS: lease hash, token counter; ARGV: holder, ttl ms
    private static final String ACQUIRE = """
            local t = redis.call('TIME')
            local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local holder = redis.call('HGET', KEYS[1], 'holder')
            local token
            if not holder then
              local last = tonumber(redis.call('GET', KEYS[2]) or '0')
              token = math.max(last + 1, nowMs)
              redis.call('SET', KEYS[2], string.format('%d', token))
              redis.call('HSET', KEYS[1], 'holder', ARGV[1], 'token', string.format('%d', token))
            elseif holder == ARGV[1] then
              token = tonumber(redis.call('HGET', KEYS[1], 'token'))
            else
              return {}
            end
            local exp = string.format('%d', tonumber(t[1]) * 1000000 + tonumber(t[2])
                + tonumber(ARGV[2]) * 1000)
            redis.call('HSET', KEYS[1], 'exp', exp)
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return {string.format('%d', token), exp}
            """;

    // KEYS: lease hash; ARGV: holder, token
    private static final String RELEASE = """
            local cur = redis.call('HMGET', KEYS[1], 'holder', 'token')
            if cur[1] == ARGV[1] and cur[2] == ARGV[2] then
              redis.call('DEL', KEYS[1])
              return 1
            end
            return 0
            """;

    // KEYS: lease hash
    private static final String CURRENT = """
            local cur = redis.call('HMGET', KEYS[1], 'holder', 'token', 'exp')
            if not cur[1] then return {} end
            return cur
            """;

    private final RedisConnections redis;

    RedisLease(RedisConnections redis) {
        this.redis = redis;
    }

    /** The hash of a lease; the fenced rollout store checks tokens against it. */
    static String leaseKey(String keyPrefix, String name) {
        return keyPrefix + "lease:" + name;
    }

    private String key(String name) {
        return leaseKey(redis.keyPrefix(), name);
    }

    @Override
    public Optional<LeaseGrant> tryAcquire(String name, String holder, Duration ttl) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must be positive, but was " + ttl);
        }
        long ms = Math.max(1, ttl.toMillis());
        List<String> r = redis.write("lease acquisition of " + name, c -> c.<List<String>>eval(
                ACQUIRE, ScriptOutputType.MULTI, new String[] {key(name),
                        redis.keyPrefix() + "lease-token:" + name}, holder, Long.toString(ms)));
        if (r == null || r.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new LeaseGrant(name, holder, Long.parseLong(r.get(0)),
                micros(r.get(1))));
    }

    @Override
    public void release(LeaseGrant grant) {
        Objects.requireNonNull(grant, "grant");
        redis.call("lease release of " + grant.name(), c -> c.eval(RELEASE,
                ScriptOutputType.INTEGER, new String[] {key(grant.name())}, grant.holder(),
                Long.toString(grant.fencingToken())));
    }

    @Override
    public Optional<LeaseGrant> current(String name) {
        Objects.requireNonNull(name, "name");
        List<String> r = redis.call("lease read of " + name, c -> c.eval(CURRENT,
                ScriptOutputType.MULTI, new String[] {key(name)}));
        if (r == null || r.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new LeaseGrant(name, r.get(0), Long.parseLong(r.get(1)),
                micros(r.get(2))));
    }

    /** An instant from microseconds since the epoch (the server's time). */
    private static Instant micros(String micros) {
        long m = Long.parseLong(micros);
        return Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L),
                Math.floorMod(m, 1_000_000L) * 1_000L);
    }
}
