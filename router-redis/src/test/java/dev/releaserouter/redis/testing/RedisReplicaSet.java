package dev.releaserouter.redis.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A real replicated Redis for failover tests: a primary, replicas ({@code --replicaof}) and one
 * Sentinel ({@code redis-server <conf> --sentinel}, quorum 1), each a {@link RedisServer} process
 * on a free loopback port in its own temporary directory. Clients connect with {@link #uri()}
 * (a {@code redis-sentinel://} URI) and follow the primary Sentinel names.
 *
 * <pre>{@code
 * try (RedisReplicaSet redis = RedisReplicaSet.start(2, Duration.ofMillis(500))) {
 *     RedisFleet fleet = RedisFleet.builder(redis.uri()).replicaAcks(1, ...).build();
 *     ...
 *     RedisServer old = redis.killPrimary();          // kill -9
 *     RedisServer now = redis.awaitNewPrimary(old);   // Sentinel promoted a replica
 * }
 * }</pre>
 *
 * <p>Set up for tests: the replicas sync at once (no diskless-sync delay); Sentinel refreshes
 * what it knows of every node every 100 ms, so a failover never finds the replicas' state stale,
 * and its TILT trigger is raised to 10 s, so a loaded machine's scheduling pauses do not freeze
 * it; it reconfigures every replica at once after a failover. The replicas authenticate to the
 * primary as the ACL user {@value #REPLICATION_USER}, which {@link #cutReplication()} disables:
 * from then on the replicas lag (they keep what they had), which is how a test makes a failover
 * lose the primary's last writes deterministically. Needs {@code redis-server} (Redis 7) on the
 * PATH, like {@link RedisServer} (skipped, or failed under {@value RedisServer#REQUIRE_ENV}).
 *
 * <p>Not thread-safe: one test thread drives it.
 */
public final class RedisReplicaSet implements AutoCloseable {

    /** The name clients ask Sentinel for (the {@code #master} of {@link #uri()}). */
    public static final String MASTER = "fleet";

    /** The ACL user the replicas replicate as. */
    public static final String REPLICATION_USER = "replication";

    private static final String REPLICATION_PASSWORD = "replication-secret";

    private final List<RedisServer> nodes = new ArrayList<>();
    private @Nullable RedisServer sentinel;
    private int kills;

    private RedisReplicaSet() {}

    /**
     * Starts a primary, {@code replicas} replicas and a Sentinel, and waits until every replica
     * is in sync and known to the Sentinel.
     *
     * @param replicas how many replicas, at least 1
     * @param downAfter how long the primary must be silent before Sentinel fails over
     * @return the running set
     * @throws IllegalStateException if a process does not start, or the set is not ready within
     *     {@link RedisServer#START_DEADLINE}
     */
    public static RedisReplicaSet start(int replicas, Duration downAfter) {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be at least 1, but was "
                    + replicas);
        }
        RedisReplicaSet set = new RedisReplicaSet();
        try {
            RedisServer primary = RedisServer.start(nodeArgs(null));
            set.nodes.add(primary);
            for (int i = 0; i < replicas; i++) {
                set.nodes.add(RedisServer.start(nodeArgs(primary.port())));
            }
            set.sentinel = RedisServer.startSentinel(MASTER, primary.port(), downAfter,
                    "sentinel failover-timeout " + MASTER + " 5000",
                    "sentinel parallel-syncs " + MASTER + " " + replicas);
            set.sentinel().query("SENTINEL", "DEBUG", "info-period", "100",
                    "tilt-trigger", "10000");
            set.awaitReplicasOnline(replicas);
            set.await("Sentinel to know " + replicas + " healthy replicas",
                    () -> set.healthyReplicasKnown() >= replicas);
            return set;
        } catch (RuntimeException | Error e) {
            set.close();
            throw e;
        }
    }

    private static String[] nodeArgs(@Nullable Integer primaryPort) {
        List<String> a = new ArrayList<>(List.of("--repl-diskless-sync-delay", "0",
                "--user", REPLICATION_USER, "on", ">" + REPLICATION_PASSWORD, "~*", "&*",
                "+@all"));
        if (primaryPort != null) {
            a.addAll(List.of("--replicaof", "127.0.0.1", primaryPort.toString(),
                    "--masteruser", REPLICATION_USER, "--masterauth", REPLICATION_PASSWORD));
        }
        return a.toArray(String[]::new);
    }

    /** @return {@code redis-sentinel://127.0.0.1:<sentinel port>#fleet} */
    public String uri() {
        return "redis-sentinel://127.0.0.1:" + sentinel().port() + "#" + MASTER;
    }

    /** @return the Sentinel process */
    public RedisServer sentinel() {
        RedisServer s = sentinel;
        if (s == null) {
            throw new IllegalStateException("the Sentinel is not running");
        }
        return s;
    }

    /** @return every data node, the first started as the primary */
    public List<RedisServer> nodes() {
        return List.copyOf(nodes);
    }

    /**
     * @return the data node Sentinel names as the primary now
     * @throws IllegalStateException if Sentinel names none of the nodes
     */
    public RedisServer primary() {
        int port = primaryPort();
        for (RedisServer n : nodes) {
            if (n.port() == port) {
                return n;
            }
        }
        throw new IllegalStateException("Sentinel names port " + port + ", not one of the nodes");
    }

    /** @return the data nodes other than {@link #primary()} that are running */
    public List<RedisServer> replicas() {
        RedisServer p = primary();
        List<RedisServer> r = new ArrayList<>();
        for (RedisServer n : nodes) {
            if (n != p && n.running()) {
                r.add(n);
            }
        }
        return r;
    }

    /** @return the primary's port as Sentinel reports it now */
    public int primaryPort() {
        Object r = sentinel().query("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER);
        if (r instanceof List<?> l && l.size() == 2) {
            return Integer.parseInt(String.valueOf(l.get(1)));
        }
        throw new IllegalStateException("Sentinel does not name a primary: " + r);
    }

    /**
     * Kills the primary with SIGKILL ({@code kill -9}): no shutdown, no last replication.
     *
     * @return the killed node
     */
    public RedisServer killPrimary() {
        RedisServer p = primary();
        p.kill();
        kills++;
        return p;
    }

    /**
     * Waits until Sentinel names another node than {@code old} as the primary and that node
     * says it is one (role master).
     *
     * @param old the primary before the failover
     * @return the new primary
     * @throws AssertionError if no failover completes within {@link RedisServer#START_DEADLINE}
     */
    public RedisServer awaitNewPrimary(RedisServer old) {
        await("Sentinel to promote a replica (old primary port " + old.port() + ")", () -> {
            int port = primaryPort();
            return port != old.port() && isMaster(port);
        });
        return primary();
    }

    private boolean isMaster(int port) {
        for (RedisServer n : nodes) {
            if (n.port() == port && n.running()) {
                Object role = n.query("ROLE");
                return role instanceof List<?> l && "master".equals(l.get(0));
            }
        }
        return false;
    }

    /**
     * Waits until the primary has {@code replicas} replicas online (in sync), e.g. after a
     * failover, before writes that need replica acknowledgements.
     *
     * @throws AssertionError if they are not within {@link RedisServer#START_DEADLINE}
     */
    public void awaitReplicasOnline(int replicas) {
        await(replicas + " replicas online", () -> {
            String info = String.valueOf(primary().query("INFO", "replication"));
            int online = 0;
            for (String line : info.split("\r?\n")) {
                if (line.startsWith("slave") && line.contains("state=online")) {
                    online++;
                }
            }
            return online >= replicas;
        });
    }

    /**
     * Stops replication from the current primary, once the replicas have every write made so
     * far: its replication user is disabled and the replicas' links are cut, so they cannot
     * sync again. The replicas keep what they had; every
     * write from now on exists on the primary only (and {@code WAIT} gets no acknowledgement).
     */
    public void cutReplication() {
        RedisServer p = primary();
        await("the replicas to have every write so far", () -> {
            String info = String.valueOf(p.query("INFO", "replication"));
            long offset = -1;
            List<Long> replicaOffsets = new ArrayList<>();
            for (String line : info.split("\r?\n")) {
                if (line.startsWith("master_repl_offset:")) {
                    offset = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                } else if (line.startsWith("slave") && line.contains("offset=")) {
                    String o = line.substring(line.indexOf("offset=") + 7);
                    replicaOffsets.add(Long.parseLong(o.substring(0, o.indexOf(','))));
                }
            }
            long target = offset;
            return !replicaOffsets.isEmpty()
                    && replicaOffsets.stream().allMatch(o -> o >= target);
        });
        p.query("ACL", "SETUSER", REPLICATION_USER, "off");
        p.query("CLIENT", "KILL", "TYPE", "replica");
        await("the replicas to lose their link", () -> {
            for (RedisServer r : replicas()) {
                if (String.valueOf(r.query("INFO", "replication"))
                        .contains("master_link_status:up")) {
                    return false;
                }
            }
            return true;
        });
    }

    /**
     * Undoes {@link #cutReplication()}: the replicas sync again (they reconnect within about a
     * second) and this waits until {@code replicas} of them are online.
     *
     * @param replicas how many replicas to wait for
     */
    public void restoreReplication(int replicas) {
        primary().query("ACL", "SETUSER", REPLICATION_USER, "on");
        awaitReplicasOnline(replicas);
    }

    /** @return replicas Sentinel knows with the flags {@code slave} only (not down) */
    private int healthyReplicasKnown() {
        Object r = sentinel().query("SENTINEL", "REPLICAS", MASTER);
        int healthy = 0;
        if (r instanceof List<?> replicas) {
            for (Object o : replicas) {
                if (o instanceof List<?> fields) {
                    for (int i = 0; i + 1 < fields.size(); i += 2) {
                        if ("flags".equals(fields.get(i)) && "slave".equals(fields.get(i + 1))) {
                            healthy++;
                        }
                    }
                }
            }
        }
        return healthy;
    }

    private void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + RedisServer.START_DEADLINE.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // a node restarting or not answering yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + RedisServer.START_DEADLINE + " for " + what
                        + "; Sentinel log:\n" + (sentinel == null ? "" : sentinel.log()));
            }
            LockSupport.parkNanos(5_000_000); // polling for readiness, not for correctness
        }
    }

    /**
     * @return failovers Sentinel made so far ({@code +switch-master} in its log); more than
     *     {@link #killPrimary()} was called means one the test did not ask for (a primary that
     *     did not answer Sentinel's pings within {@code down-after} on a loaded machine)
     */
    public int failovers() {
        String log = sentinel == null ? "" : sentinel.log();
        return log.split("\\+switch-master", -1).length - 1;
    }

    /** Kills every process and deletes their directories. Idempotent. */
    @Override
    public void close() {
        if (sentinel != null && failovers() > kills) {
            // Diagnostics for the failing test: a failover nobody asked for changes its premise.
            System.out.println("RedisReplicaSet: " + failovers() + " failovers for " + kills
                    + " kills; Sentinel log:\n" + sentinel.log());
        }
        if (sentinel != null) {
            sentinel.close();
        }
        for (RedisServer n : nodes) {
            n.close();
        }
    }
}
