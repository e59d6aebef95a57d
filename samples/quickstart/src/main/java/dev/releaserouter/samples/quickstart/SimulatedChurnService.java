package dev.releaserouter.samples.quickstart;

import dev.releaserouter.api.shadow.Predictor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Random;

/**
 * The two versions of the churn model as simulated services. Each call "takes" its latency by
 * advancing the simulated ticker the router times calls with, then returns a score or throws, so
 * no call ever sleeps and the router measures every call itself.
 *
 * <p>v1: p50 about 45 ms, 0.2% errors. v2: p50 about 40 ms, 0.1% errors. The <em>bad</em> v2
 * has a connection pool sized for {@value #BAD_CAPACITY_PER_MINUTE} calls a minute: fine at 5%
 * of the traffic, but once it gets more calls than that in the last minute, latency quadruples
 * and 6% of the calls time out.
 */
final class SimulatedChurnService {

    /** Calls a minute the bad v2's pool can take. */
    static final int BAD_CAPACITY_PER_MINUTE = 100;

    /** What the app knows about a customer. */
    record Features(double tenureMonths, int ticketsLast30d, double monthlySpend) {}

    /** The churn score. */
    record Scored(double score) {}

    private final SimulatedClock clock;
    private final Random random;
    private final boolean badCandidate;
    private final ArrayDeque<Instant> candidateCalls = new ArrayDeque<>();
    private Instant firstDegraded; // null until the bad v2 is overloaded

    SimulatedChurnService(SimulatedClock clock, Random random, boolean badCandidate) {
        this.clock = clock;
        this.random = random;
        this.badCandidate = badCandidate;
    }

    Predictor<Features, Scored> v1() {
        return f -> call(score(f, 0.0), 45, 0.002);
    }

    Predictor<Features, Scored> v2() {
        return f -> {
            Instant now = clock.instant();
            candidateCalls.addLast(now);
            while (candidateCalls.peekFirst().isBefore(now.minus(Duration.ofMinutes(1)))) {
                candidateCalls.removeFirst();
            }
            if (badCandidate && candidateCalls.size() > BAD_CAPACITY_PER_MINUTE) {
                if (firstDegraded == null) {
                    firstDegraded = now;
                }
                return call(score(f, 0.1), 160, 0.06);
            }
            return call(score(f, 0.1), 40, 0.001);
        };
    }

    /** When the bad v2 first served a call while overloaded, or null if it never did. */
    Instant firstDegraded() {
        return firstDegraded;
    }

    /** Takes a log-normal latency on the simulated ticker, then answers or fails. */
    private Scored call(double score, double medianMs, double errorRate) {
        double latencyMs = medianMs * Math.exp(0.35 * random.nextGaussian());
        clock.take(Duration.ofNanos((long) (latencyMs * 1_000_000)));
        if (random.nextDouble() < errorRate) {
            throw new IllegalStateException("simulated failure");
        }
        return new Scored(score);
    }

    private static double score(Features f, double tenureWeight) {
        double z = 0.8 - (0.05 + tenureWeight * 0.01) * f.tenureMonths()
                + 0.35 * f.ticketsLast30d() - 0.004 * f.monthlySpend();
        return 1 / (1 + Math.exp(-z));
    }
}
