package dev.releaserouter.api.spi;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The default {@link BudgetLedger}: one {@link AtomicLong} per key.
 *
 * <p>Design: {@code tryConsume} is a CAS loop that takes {@code min(units, limit - consumed)},
 * so racing callers can only be refused, never over-granted; it is lock-free and allocates
 * nothing, so the router may call it on every decision.
 */
final class InMemoryBudgetLedger implements BudgetLedger {

    private final ConcurrentHashMap<BudgetKey, Counter> accounts = new ConcurrentHashMap<>();

    @Override
    public Account account(BudgetKey key) {
        return accounts.computeIfAbsent(Objects.requireNonNull(key, "key"), k -> new Counter());
    }

    /** One key's consumption. */
    private static final class Counter implements Account {
        private final AtomicLong consumed = new AtomicLong();

        @Override
        public long tryConsume(long units, long limit) {
            if (units <= 0 || limit < 0) {
                throw new IllegalArgumentException("units must be positive and limit not "
                        + "negative, but were " + units + " and " + limit);
            }
            while (true) {
                long used = consumed.get();
                long take = Math.min(units, limit - used);
                if (take <= 0) {
                    return 0;
                }
                if (consumed.compareAndSet(used, used + take)) {
                    return take;
                }
            }
        }

        @Override
        public void giveBack(long units) {
            if (units < 0) {
                throw new IllegalArgumentException("units must not be negative, but was "
                        + units);
            }
            consumed.accumulateAndGet(units, (c, u) -> Math.max(0, c - u));
        }

        @Override
        public long consumed() {
            return consumed.get();
        }

        @Override
        public void reset() {
            consumed.set(0);
        }
    }
}
