package dev.releaserouter.rollout;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A clock that reads another one, and throws whatever it is armed with while armed: a stand-in
 * for anything a rollout tick reads failing. Thread-safe.
 */
public final class FaultyClock extends Clock {

    private final Clock delegate;
    private volatile @Nullable Supplier<Throwable> fault;

    public FaultyClock(Clock delegate) {
        this.delegate = delegate;
    }

    /** Every read throws a throwable from the supplier until {@link #heal()}. */
    public void failWith(Supplier<Throwable> supplier) {
        this.fault = supplier;
    }

    public void heal() {
        this.fault = null;
    }

    private void maybeFail() {
        Supplier<Throwable> f = fault;
        if (f != null) {
            sneakyThrow(f.get());
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    @Override
    public Instant instant() {
        maybeFail();
        return delegate.instant();
    }

    @Override
    public long millis() {
        maybeFail();
        return delegate.millis();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("tests use UTC");
    }
}
