package dev.releaserouter.redis.procs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.spi.BudgetKey;
import dev.releaserouter.api.spi.LeaseGrant;
import dev.releaserouter.redis.RedisFleet;
import dev.releaserouter.redis.testing.RedisServer;
import dev.releaserouter.rollout.RolloutLease;
import dev.releaserouter.rollout.RolloutState;
import dev.releaserouter.rollout.RolloutStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Fleet mode across three separate JVM processes ({@link FleetInstance}, started with this
 * test's classpath) on one real redis-server: the same decisions for the same keys, a kill
 * switch flipped on one seen by the others, one exact budget under 3 x 8 threads, and the
 * rollout leader killed with SIGKILL ({@code kill -9}) mid-stage, another instance taking over
 * within the lease TTL and resuming at the same stage and checkpoint start.
 *
 * <p>The tests run in order on the same three processes (starting a JVM is the expensive part);
 * the last one kills one of them. Every answer is awaited with a deadline, and every process is
 * destroyed after the class, whatever happened; an instance also exits by itself when its stdin
 * closes, so none outlives the test JVM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetProcessesTest {

    private static final Duration LEASE_TTL = Duration.ofSeconds(2);
    /** How often the test ticks the standbys after the leader is killed. */
    private static final Duration TICK = Duration.ofMillis(100);
    /**
     * What one tick round trip may add on a loaded 2-core machine: 1.57 s was seen at a load
     * average of 14 (three JVMs scheduled behind other builds); unloaded it is tens of ms.
     */
    private static final Duration SLACK = Duration.ofMillis(2_000);
    private static final Duration ANSWER_DEADLINE = Duration.ofSeconds(30);
    private static final Duration START_DEADLINE = Duration.ofSeconds(60);
    private static final int KEYS = 10_000;
    private static final int WARM_CHANGES = 20;

    private RedisServer redis;
    private RedisFleet observer;
    private Path logs;
    private final String prefix = "procs-" + UUID.randomUUID() + ":";
    private final List<Instance> instances = new ArrayList<>();

    @BeforeAll
    void startRedisAndThreeJvms() throws IOException {
        redis = RedisServer.start();
        observer = RedisFleet.builder(redis.uri()).instanceId("observer").keyPrefix(prefix)
                .commandTimeout(Duration.ofSeconds(2)).build();
        logs = Files.createTempDirectory("fleet-procs");
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            instances.add(Instance.launch(i, redis.uri(), prefix, LEASE_TTL, logs));
        }
        for (Instance in : instances) {
            in.awaitReady(START_DEADLINE);
        }
        System.out.printf("FleetProcessesTest: 3 JVMs ready in %d ms%n", ms(start));
    }

    @AfterAll
    void stopEverything() {
        List<Boolean> exitedOnEof = new ArrayList<>();
        for (Instance in : instances) {
            exitedOnEof.add(in.destroy());
        }
        for (Instance in : instances) {
            assertThat(in.process.isAlive()).as("instance %d destroyed", in.index).isFalse();
        }
        // What keeps an instance from outliving a test JVM that dies: it exits when its stdin
        // closes (those still running here exited by themselves, without a kill).
        assertThat(exitedOnEof).as("instances that exited when their stdin closed")
                .doesNotContain(false);
        if (observer != null) {
            observer.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    void threeJvms_giveTheSameDecisions_forTheSame10000Keys() {
        List<Map<String, String>> answers = new ArrayList<>();
        for (Instance in : instances) {
            answers.add(in.call("decide " + KEYS));
        }
        System.out.printf("FleetProcessesTest: decisions of %d keys x 2 models: %s%n", KEYS,
                answers.get(0));
        assertThat(answers).extracting(a -> a.get("digest")).as("one digest per instance")
                .containsOnly(answers.get(0).get("digest"));
        // Not a trivial digest: both arms are in it.
        assertThat(Integer.parseInt(answers.get(0).get("ranker"))).isBetween(4_000, 6_000);
        assertThat(Integer.parseInt(answers.get(0).get("churn"))).isBetween(300, 700);
    }

    @Test
    @Order(2)
    void killOnOneInstance_isSeenByTheOtherTwo() {
        // The first change is cold (class loading and C1 in three fresh JVMs): reported alone.
        long[] first = change(0, "kill");
        System.out.printf("FleetProcessesTest: first kill on instance 0 (cold) seen by instance"
                + " 1 after %.2f ms, by instance 2 after %.2f ms (admin call %.2f ms)%n",
                first[1] / 1000.0, first[2] / 1000.0, first[0] / 1000.0);
        // Then 20 changes, each on another instance (unkill, kill, ...), ending killed.
        List<Long> seen = new ArrayList<>();
        List<Long> calls = new ArrayList<>();
        for (int i = 1; i <= WARM_CHANGES; i++) {
            long[] r = change(i % 3, i % 2 == 1 ? "unkill" : "kill");
            calls.add(r[0]);
            seen.add(r[1]);
            seen.add(r[2]);
        }
        seen.sort(null);
        calls.sort(null);
        System.out.printf("FleetProcessesTest: %d more changes, each on one instance seen by the"
                + " other two: p50 %.2f ms, p90 %.2f ms, max %.2f ms after the admin call began"
                + " (the call itself: p50 %.2f ms, max %.2f ms)%n", WARM_CHANGES,
                pct(seen, 50) / 1000.0, pct(seen, 90) / 1000.0, seen.get(seen.size() - 1)
                / 1000.0, pct(calls, 50) / 1000.0, calls.get(calls.size() - 1) / 1000.0);
        // Every decision of every instance now agrees: no key of ranker goes to v2 anywhere.
        List<Map<String, String>> answers = new ArrayList<>();
        for (Instance in : instances) {
            answers.add(in.call("decide " + KEYS));
        }
        assertThat(answers).extracting(m -> m.get("ranker")).containsOnly("0");
        assertThat(answers).extracting(m -> m.get("digest"))
                .containsOnly(answers.get(0).get("digest"));
        assertThat(seen).allSatisfy(m -> assertThat(m).as("propagation, us")
                .isBetween(0L, 1_000_000L));
    }

    /**
     * Makes a change of ranker v2 through one instance's admin and waits until the other two
     * decide accordingly.
     *
     * @return microseconds: the admin call, then when each other instance saw the change, from
     *     the start of the admin call (wall clock, shared by the processes of one host)
     */
    private long[] change(int on, String command) {
        String expect = command.equals("kill") ? "killed" : "live";
        List<Instance> others = new ArrayList<>(instances);
        Instance source = others.remove(on);
        for (Instance in : others) {
            assertThat(in.call("watch " + expect)).containsKey("watching");
        }
        Map<String, String> a = source.call(command);
        long at = Long.parseLong(a.get("at"));
        long[] out = {Long.parseLong(a.get("done")) - at, 0, 0};
        for (int k = 0; k < 2; k++) {
            Instance in = others.get(k);
            String[] seen = new String[1];
            awaitTrue(() -> {
                seen[0] = in.call("seen").get("seen");
                return !seen[0].equals("none");
            }, Duration.ofSeconds(10), "instance " + in.index + " sees " + command);
            assertThat(seen[0]).as("instance %d's watcher", in.index).isNotEqualTo("timeout");
            out[k + 1] = Long.parseLong(seen[0]) - at;
        }
        return out;
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (sorted.size() * p + 99) / 100 - 1));
    }

    @Test
    @Order(3)
    void budget_spentBy3x8Threads_isExactFleetWide() {
        long start = System.nanoTime();
        for (Instance in : instances) {
            in.send("budget 8 200000"); // all three at once
        }
        long total = 0;
        List<Long> granted = new ArrayList<>();
        for (Instance in : instances) {
            Map<String, String> a = in.answer(Duration.ofSeconds(60));
            granted.add(Long.parseLong(a.get("granted")));
            total += Long.parseLong(a.get("granted"));
        }
        long consumed = observer.budgetLedger().account(new BudgetKey("promo", "v2")).consumed();
        long reserves = 3L * 3 * FleetInstance.BUDGET_ALLOTMENT;
        assertThat(total).as("never more than the fleet budget")
                .isLessThanOrEqualTo(FleetInstance.PROMO_BUDGET);
        assertThat(consumed).isLessThanOrEqualTo(FleetInstance.PROMO_BUDGET);
        assertThat(total).as("at most the documented reserves unused (3 instances x (2 x "
                + "allotment + a local allotment))")
                .isGreaterThanOrEqualTo(FleetInstance.PROMO_BUDGET - reserves);

        // What was left in reserves (refills that landed after the threads gave up) is still
        // this fleet's: a second pass grants exactly that, and nothing more.
        for (Instance in : instances) {
            in.send("budget 8 20000");
        }
        long second = 0;
        for (Instance in : instances) {
            second += Long.parseLong(in.answer(Duration.ofSeconds(60)).get("granted"));
        }
        System.out.printf("FleetProcessesTest: budget %d, granted %d (per instance %s) by 3 x 8"
                + " threads in %d ms, consumed in Redis %d; a second pass granted %d more: %d "
                + "in all%n", FleetInstance.PROMO_BUDGET, total, granted, ms(start), consumed,
                second, total + second);
        assertThat(total + second).as("exactly the budget in the end")
                .isEqualTo(FleetInstance.PROMO_BUDGET);
    }

    @Test
    @Order(4)
    void leaderKilledMidStage_anotherTakesOverWithinTheTtl_andResumesTheSameStage() {
        for (Instance in : instances) {
            in.call("rollout");
        }
        Instance leader = tickAll(instances);

        // Checkpoint 1: 10 calls per arm on each instance, fewer than the plan's minimum of 20
        // on any one of them; the leader proceeds on the windows merged in Redis.
        clock(instances, Duration.ofMinutes(5));
        instances.forEach(in -> in.call("record 10"));
        clock(instances, FleetInstance.CHECKPOINT);
        leader = tickAll(instances);
        Instant stage2Start = FleetInstance.T0.plus(FleetInstance.CHECKPOINT);
        RolloutState before = observer.rolloutStateStore().load("churn").orElseThrow();
        assertThat(before.stageIndex()).as("proceeded to stage 2 (index 1)").isEqualTo(1);
        assertThat(before.checkpointStart()).isEqualTo(stage2Start);

        // Mid-stage: 3 minutes into the checkpoint, the leader ticks (renews), then SIGKILL.
        clock(instances, Duration.ofMinutes(13));
        instances.forEach(in -> in.call("record 10"));
        leader = tickAll(instances);
        long lastLeaderTickSent = leader.lastTickSent;
        long oldToken = Long.parseLong(leader.call("rollout-status").get("token"));
        RolloutState atKill = observer.rolloutStateStore().load("churn").orElseThrow();
        assertThat(atKill).isEqualTo(before);
        long killed = System.nanoTime();
        leader.kill9();
        List<Instance> survivors = new ArrayList<>(instances);
        survivors.remove(leader);
        System.out.printf("FleetProcessesTest: killed the leader, instance %d (SIGKILL), at "
                + "stage index %d, checkpoint start %s%n", leader.index, atKill.stageIndex(),
                atKill.checkpointStart());

        // The standbys tick every TICK until one holds the lease.
        Instance next = null;
        long takeover = 0;
        long deadline = killed + LEASE_TTL.plus(Duration.ofSeconds(10)).toNanos();
        while (next == null && System.nanoTime() < deadline) {
            for (Instance in : survivors) {
                if (in.call("tick").get("status").equals("RUNNING")) {
                    takeover = System.nanoTime();
                    next = in;
                    break;
                }
            }
            LockSupport.parkNanos(TICK.toNanos());
        }
        assertThat(next).as("a standby took over").isNotNull();
        Duration sinceKill = Duration.ofNanos(takeover - killed);
        Duration sinceRenewal = Duration.ofNanos(takeover - lastLeaderTickSent);
        System.out.printf("FleetProcessesTest: instance %d took over %d ms after the kill (%d ms"
                + " after the dead leader's last renewal; TTL %d ms, ticks every %d ms)%n",
                next.index, sinceKill.toMillis(), sinceRenewal.toMillis(), LEASE_TTL.toMillis(),
                TICK.toMillis());
        assertThat(sinceRenewal).as("no takeover while the dead leader's lease is valid")
                .isGreaterThanOrEqualTo(LEASE_TTL);
        assertThat(sinceKill).as("within the TTL plus one tick (and a round trip's slack)")
                .isLessThanOrEqualTo(LEASE_TTL.plus(TICK).plus(SLACK));

        // It resumed: same stage, same checkpoint start, from the shared state; a new token.
        Map<String, String> s = next.call("rollout-status");
        assertThat(s.get("status")).isEqualTo("RUNNING");
        assertThat(s.get("stage")).isEqualTo("1");
        assertThat(s.get("checkpointStart")).isEqualTo(stage2Start.toString());
        assertThat(s.get("restored")).isEqualTo("true");
        assertThat(Long.parseLong(s.get("token"))).isGreaterThan(oldToken);
        assertThat(observer.rolloutStateStore().load("churn")).contains(atKill);
        LeaseGrant grant = observer.lease().current(RolloutLease.name("churn")).orElseThrow();
        assertThat(grant.holder()).isEqualTo("controller@" + next.index);
        for (Instance in : survivors) {
            if (in != next) {
                assertThat(in.call("tick").get("status")).isEqualTo("STANDBY");
            }
        }

        // And it goes on from there: the checkpoint that began before the kill ends on time
        // (T0 + 20 min), and the rollout proceeds to stage 3, not back to stage 1.
        clock(survivors, Duration.ofMinutes(15));
        survivors.forEach(in -> in.call("record 10"));
        clock(survivors, FleetInstance.CHECKPOINT.multipliedBy(2));
        assertThat(next.call("tick").get("status")).isEqualTo("RUNNING");
        RolloutState after = observer.rolloutStateStore().load("churn").orElseThrow();
        assertThat(after.stageIndex()).isEqualTo(2);
        assertThat(after.checkpointStart())
                .isEqualTo(FleetInstance.T0.plus(FleetInstance.CHECKPOINT.multipliedBy(2)));
        assertThat(after.status()).isEqualTo(RolloutStatus.RUNNING);
    }

    /** Ticks every instance once; exactly one leads (RUNNING), the others stand by. */
    private static Instance tickAll(List<Instance> all) {
        Instance leader = null;
        for (Instance in : all) {
            in.lastTickSent = System.nanoTime();
            String status = in.call("tick").get("status");
            if (status.equals("RUNNING")) {
                assertThat(leader).as("one leader, but instance %d is RUNNING too", in.index)
                        .isNull();
                leader = in;
            } else {
                assertThat(status).isEqualTo("STANDBY");
            }
        }
        assertThat(leader).as("a leader").isNotNull();
        return leader;
    }

    /** Sets every given instance's clock to T0 plus the given time. */
    private static void clock(List<Instance> all, Duration sinceT0) {
        long millis = FleetInstance.T0.plus(sinceT0).toEpochMilli();
        for (Instance in : all) {
            assertThat(in.call("clock " + millis).get("storeFailures")).isEqualTo("0");
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, Duration max,
            String what) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + max);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static long ms(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** One {@link FleetInstance} JVM: its stdin, its stdout lines (read by a thread), its log. */
    private static final class Instance {
        final int index;
        final Process process;
        final Path log;
        final Writer stdin;
        final BlockingQueue<String> lines = new ArrayBlockingQueue<>(1_000);
        long lastTickSent;

        private Instance(int index, Process process, Path log) {
            this.index = index;
            this.process = process;
            this.log = log;
            this.stdin = new OutputStreamWriter(process.getOutputStream(),
                    StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(
                        process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (!lines.offer(line, 10, TimeUnit.SECONDS)) {
                            return; // nobody reads: the test has failed already
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    // the process is gone
                }
            }, "fleet-instance-" + index + "-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        static Instance launch(int index, String uri, String prefix, Duration ttl, Path logs)
                throws IOException {
            String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
            Path log = logs.resolve("instance-" + index + ".log");
            ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    FleetInstance.class.getName(), uri, String.valueOf(index), prefix,
                    String.valueOf(ttl.toMillis()))
                    .redirectError(log.toFile());
            return new Instance(index, pb.start(), log);
        }

        void awaitReady(Duration max) {
            String line = next(max);
            if (!line.startsWith("ready ")) {
                throw new AssertionError("instance " + index + " did not start: " + line
                        + logTail());
            }
        }

        void send(String command) {
            try {
                stdin.write(command + "\n");
                stdin.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("instance " + index + " (" + command + ")"
                        + logTail(), e);
            }
        }

        Map<String, String> answer(Duration max) {
            String line = next(max);
            if (!line.startsWith("ok")) {
                throw new AssertionError("instance " + index + " answered: " + line + logTail());
            }
            Map<String, String> out = new HashMap<>();
            for (String part : line.substring(2).trim().split("\\s+")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    out.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
            return out;
        }

        Map<String, String> call(String command) {
            send(command);
            return answer(ANSWER_DEADLINE);
        }

        private String next(Duration max) {
            try {
                String line = lines.poll(max.toMillis(), TimeUnit.MILLISECONDS);
                if (line == null) {
                    throw new AssertionError("instance " + index + " gave no answer within "
                            + max + " (alive: " + process.isAlive() + ")" + logTail());
                }
                return line;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        /** SIGKILL, as {@code kill -9}: no shutdown hook, no lease released. */
        void kill9() {
            process.destroyForcibly();
            try {
                assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("killed").isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        /**
         * Closes stdin (the instance halts), then kills it if it has not exited in 5 s.
         *
         * @return true if it had exited already or exited by itself, false if it was killed
         */
        boolean destroy() {
            boolean wasAlive = process.isAlive();
            try {
                stdin.close();
            } catch (IOException e) {
                // already gone
            }
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                    return false;
                }
                return !wasAlive || process.exitValue() == 0;
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                return false;
            }
        }

        private String logTail() {
            try {
                List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
                return "\n--- " + log + " (last lines) ---\n"
                        + String.join("\n", all.subList(Math.max(0, all.size() - 40),
                        all.size()));
            } catch (IOException e) {
                return " (no log: " + e + ")";
            }
        }
    }
}
