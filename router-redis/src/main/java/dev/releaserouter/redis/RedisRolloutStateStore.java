package dev.releaserouter.redis;

import dev.releaserouter.api.spi.LeaseGrant;
import dev.releaserouter.rollout.FencedWriteException;
import dev.releaserouter.rollout.RolloutDecision;
import dev.releaserouter.rollout.RolloutLease;
import dev.releaserouter.rollout.BackoutVerification;
import dev.releaserouter.rollout.RolloutState;
import dev.releaserouter.rollout.ShadowVerdict;
import dev.releaserouter.rollout.gates.GateDecision;
import dev.releaserouter.rollout.RolloutStateStore;
import dev.releaserouter.rollout.RolloutStatus;
import io.lettuce.core.ScriptOutputType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The {@link RolloutStateStore} of a {@link RedisFleet}: per model, the state in a hash
 * {@code <prefix>rollout:<model>:state} and the decision log in a stream
 * {@code <prefix>rollout:<model>:decisions} (capped near {@value #LOG_LENGTH} entries).
 *
 * <p>Fencing: a write with a {@link LeaseGrant} ({@link #save(RolloutState, LeaseGrant)}, what a
 * controller under a {@link RolloutLease} uses) is one Lua script that compares the grant's
 * token and holder with those of the lease {@code rollout/<model>} in Redis (the
 * {@link RedisLease} of the same fleet) and writes only if both are equal; otherwise it writes
 * nothing and the call throws {@link FencedWriteException}. So a paused ex-leader cannot write
 * after losing the lease, even if its JVM has not noticed yet, nor can the holder of a grant a
 * failover lost (the holder check also covers a token handed out twice). A write without a
 * grant ({@link #save(RolloutState)}) is not fenced (a controller without a lease).
 *
 * <p>Failover: with {@link RedisFleet.Builder#replicaAcks} a write returns only once enough
 * replicas have it, and throws {@link UnconfirmedWriteException} otherwise (the controller
 * counts a failed tick and holds; the next tick writes again).
 *
 * <p>Design (concurrency): no state in the JVM; each write is one script, atomic in Redis, so
 * the latest save wins and a fenced write cannot interleave with a change of leaseholder.
 */
final class RedisRolloutStateStore implements RolloutStateStore {

    /** Roughly how many decisions the log of one model keeps (XADD MAXLEN ~). */
    static final int LOG_LENGTH = 10_000;

    // KEYS: target, lease hash; ARGV: token or '', holder, op ('state'|'decision'), field,
    // value, ...
    private static final String WRITE = """
            if ARGV[1] ~= '' then
              local current = redis.call('HMGET', KEYS[2], 'token', 'holder')
              if current[1] ~= ARGV[1] or current[2] ~= ARGV[2] then
                return (current[1] or 'none') .. ' held by ' .. (current[2] or 'nobody')
              end
            end
            local fields = {}
            for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
            if ARGV[3] == 'state' then
              redis.call('DEL', KEYS[1])
              redis.call('HSET', KEYS[1], unpack(fields))
            else
              redis.call('XADD', KEYS[1], 'MAXLEN', '~', '%d', '*', unpack(fields))
            end
            return 'ok'
            """.replace("%d", Integer.toString(LOG_LENGTH));

    private final RedisConnections redis;

    RedisRolloutStateStore(RedisConnections redis) {
        this.redis = redis;
    }

    private String stateKey(String model) {
        return redis.keyPrefix() + "rollout:" + model + ":state";
    }

    private String logKey(String model) {
        return redis.keyPrefix() + "rollout:" + model + ":decisions";
    }

    @Override
    public Optional<RolloutState> load(String model) {
        Objects.requireNonNull(model, "model");
        Map<String, String> h = redis.call("rollout state read of " + model,
                c -> c.hgetall(stateKey(model)));
        if (h == null || h.isEmpty()) {
            return Optional.empty();
        }
        // The evidence fields are optional: states written before they existed have none.
        String shadow = h.get("shadowVerdict");
        String canary = h.get("canaryVerdict");
        String verification = h.get("backoutVerification");
        return Optional.of(new RolloutState(h.get("model"), h.get("candidate"),
                Integer.parseInt(h.get("stageIndex")), Instant.parse(h.get("checkpointStart")),
                RolloutStatus.valueOf(h.get("status")), h.get("policyDigest"),
                shadow == null ? null : ShadowVerdict.Result.valueOf(shadow),
                canary == null ? null : GateDecision.valueOf(canary),
                verification == null ? null : BackoutVerification.Result.valueOf(verification)));
    }

    @Override
    public void save(RolloutState state) {
        write(state.model(), null, "state", stateFields(state));
    }

    @Override
    public void save(RolloutState state, LeaseGrant grant) {
        Objects.requireNonNull(grant, "grant");
        write(state.model(), grant, "state", stateFields(state));
    }

    @Override
    public void append(RolloutDecision decision) {
        write(decision.model(), null, "decision", decisionFields(decision));
    }

    @Override
    public void append(RolloutDecision decision, LeaseGrant grant) {
        Objects.requireNonNull(grant, "grant");
        write(decision.model(), grant, "decision", decisionFields(decision));
    }

    private void write(String model, @Nullable LeaseGrant grant, String op, List<String> fields) {
        List<String> args = new ArrayList<>(fields.size() + 3);
        args.add(grant == null ? "" : Long.toString(grant.fencingToken()));
        args.add(grant == null ? "" : grant.holder());
        args.add(op);
        args.addAll(fields);
        String target = op.equals("state") ? stateKey(model) : logKey(model);
        String lease = RedisLease.leaseKey(redis.keyPrefix(), RolloutLease.name(model));
        String r = redis.write("rollout " + op + " write of " + model, c -> c.<String>eval(
                WRITE, ScriptOutputType.VALUE, new String[] {target, lease},
                args.toArray(String[]::new)));
        if (!"ok".equals(r)) {
            throw new FencedWriteException("the rollout " + op + " of " + model + " was not "
                    + "written: the writer's lease token " + Objects.requireNonNull(grant)
                    .fencingToken() + " (" + grant.holder() + ") is not the current token of "
                    + RolloutLease.name(model) + " (" + r + ")");
        }
    }

    private static List<String> stateFields(RolloutState s) {
        List<String> f = new ArrayList<>(List.of("model", s.model(), "candidate", s.candidate(),
                "stageIndex", Integer.toString(s.stageIndex()), "checkpointStart",
                s.checkpointStart().toString(), "status", s.status().name(), "policyDigest",
                s.policyDigest()));
        if (s.shadowVerdict() != null) {
            f.addAll(List.of("shadowVerdict", s.shadowVerdict().name()));
        }
        if (s.canaryVerdict() != null) {
            f.addAll(List.of("canaryVerdict", s.canaryVerdict().name()));
        }
        if (s.backoutVerification() != null) {
            f.addAll(List.of("backoutVerification", s.backoutVerification().name()));
        }
        return f;
    }

    private static List<String> decisionFields(RolloutDecision d) {
        return List.of("time", d.time().toString(), "actor", d.actor(), "model", d.model(),
                "candidate", d.candidate(), "stageIndex", Integer.toString(d.stageIndex()),
                "stageBasisPoints", Integer.toString(d.stageBasisPoints()), "action",
                d.action().name(), "status", d.status().name(), "reasons",
                String.join("\n", d.reasons()), "verdict",
                d.verdictJson() == null ? "" : d.verdictJson(), "policyDigest",
                d.policyDigest(), "dryRun", Boolean.toString(d.dryRun()));
    }
}
