package dev.releaserouter.core.shadow.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The hand-off ring: a bounded FIFO that refuses when full, and loses or repeats nothing. */
class HandOffRingTest {

    /** Offers (true) and takes (false) in any order behave like a bounded FIFO. */
    @Property(tries = 300)
    void operations_behaveLikeABoundedFifo(@ForAll @IntRange(min = 1, max = 7) int capacity,
            @ForAll @Size(max = 200) List<Boolean> offers) {
        HandOffRing ring = new HandOffRing(capacity);
        assertThat(ring.capacity()).isEqualTo(Math.max(2, capacity));
        ArrayDeque<Long> model = new ArrayDeque<>();
        long next = 0;
        for (boolean offer : offers) {
            if (offer) {
                long pos = ring.claim();
                if (model.size() == ring.capacity()) {
                    assertThat(pos).as("full ring refuses").isEqualTo(-1);
                    continue;
                }
                assertThat(pos).isNotNegative();
                ring.slot(pos).stableNanos = next;
                ring.publish(pos);
                model.add(next++);
            } else {
                assertThat(ring.hasWork()).isEqualTo(!model.isEmpty());
                long pos = ring.take();
                if (model.isEmpty()) {
                    assertThat(pos).isEqualTo(-1);
                    continue;
                }
                assertThat(ring.slot(pos).stableNanos).isEqualTo(model.poll());
                ring.free(pos);
            }
            assertThat(ring.size()).isEqualTo(model.size());
        }
    }

    @Test
    void aClaimedSlot_isNotTaken_untilItIsPublished() {
        HandOffRing ring = new HandOffRing(4);
        long pos = ring.claim();

        assertThat(ring.take()).isEqualTo(-1);
        assertThat(ring.hasWork()).isFalse();
        ring.publish(pos);
        assertThat(ring.take()).isEqualTo(pos);
    }

    @Test
    void freedSlot_holdsNoReferences() {
        HandOffRing ring = new HandOffRing(1);
        long pos = ring.claim();
        ring.slot(pos).input = new Object();
        ring.slot(pos).request = dev.releaserouter.api.RouteRequest.of("m", "k");
        ring.publish(pos);
        long taken = ring.take();
        ring.free(taken);

        assertThat(ring.slot(taken).input).isNull();
        assertThat(ring.slot(taken).request).isNull();
    }

    /** Four producers and two consumers: every value comes out exactly once. */
    @Test
    void concurrentProducersAndConsumers_loseAndRepeatNothing() {
        int producers = 4;
        int perProducer = 50_000;
        HandOffRing ring = new HandOffRing(64);
        AtomicInteger refused = new AtomicInteger();
        ConcurrentLinkedQueue<Long> taken = new ConcurrentLinkedQueue<>();
        AtomicInteger producing = new AtomicInteger(producers);
        CountDownLatch done = new CountDownLatch(producers + 2);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            long base = (long) p * perProducer;
            threads.add(new Thread(() -> {
                for (int i = 0; i < perProducer; i++) {
                    long pos;
                    while ((pos = ring.claim()) < 0) {
                        refused.incrementAndGet();
                        Thread.yield();
                    }
                    ring.slot(pos).stableNanos = base + i;
                    ring.publish(pos);
                }
                producing.decrementAndGet();
                done.countDown();
            }));
        }
        for (int c = 0; c < 2; c++) {
            threads.add(new Thread(() -> {
                while (producing.get() > 0 || ring.hasWork()) {
                    long pos = ring.take();
                    if (pos < 0) {
                        Thread.yield();
                        continue;
                    }
                    taken.add(ring.slot(pos).stableNanos);
                    ring.free(pos);
                }
                done.countDown();
            }));
        }
        threads.forEach(Thread::start);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> done.await());

        assertThat(taken).hasSize(producers * perProducer).doesNotHaveDuplicates();
        assertThat(ring.size()).isZero();
    }
}
