package dev.releaserouter.rollout.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.core.testing.Configs;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A {@link CallListener} is user code: whatever it throws is contained and counted, except the
 * fatal VM errors (the team's error policy on a request path).
 */
class CallListenerFaultTest {

    private static ArmMeasurements throwing(Supplier<Throwable> fault) {
        return ArmMeasurements.builder(Configs.router(Configs.of(Configs.churn(500).build())))
                .listener((model, version, request, nanos, error) -> {
                    throw sneaky(fault.get());
                })
                .build();
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }

    @Test
    void recordCall_listenerThrowingErrors_areContainedAndCounted_andTheCallIsMeasured() {
        for (Throwable t : new Throwable[] {new IllegalStateException("x"),
                new StackOverflowError(), new AssertionError("x"), new NoClassDefFoundError("X"),
                new java.io.IOException("checked")}) {
            ArmMeasurements m = throwing(() -> t);
            m.recordCall("churn", "v2", 1_000_000, false, Double.NaN, Double.NaN, Double.NaN);
            assertThat(m.listenerFailures()).as(t.toString()).isEqualTo(1);
            assertThat(m.snapshot("churn", Duration.ofMinutes(1)).arm("v2").requests())
                    .isEqualTo(1);
        }
    }

    @Test
    void recordCall_listenerOutOfMemory_isRethrown() {
        ArmMeasurements m = throwing(() -> new OutOfMemoryError("test"));
        assertThatThrownBy(() -> m.recordCall("churn", "v2", 1, false, Double.NaN, Double.NaN,
                Double.NaN)).isInstanceOf(OutOfMemoryError.class);
        assertThat(m.listenerFailures()).isEqualTo(1);
    }
}
