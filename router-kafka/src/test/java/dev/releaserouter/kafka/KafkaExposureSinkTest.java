package dev.releaserouter.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.releaserouter.api.ComponentStatus;
import dev.releaserouter.api.Reason;
import dev.releaserouter.api.RouteDecision;
import dev.releaserouter.api.RouteRequest;
import dev.releaserouter.api.Router;
import dev.releaserouter.api.admin.ChangeContext;
import dev.releaserouter.api.admin.KillTarget;
import dev.releaserouter.api.admin.RouterAdmin;
import dev.releaserouter.api.config.ModelConfig;
import dev.releaserouter.api.config.RouterConfig;
import dev.releaserouter.api.config.VersionConfig;
import dev.releaserouter.api.spi.ExposureEvent;
import dev.releaserouter.core.ReleaseRouter;
import dev.releaserouter.core.exposure.ExposureJson;
import dev.releaserouter.core.exposure.ExposureSettings;
import dev.releaserouter.core.testing.Polling;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka sink against a real KRaft broker ({@link KafkaBroker}): events keyed by entity, in
 * order per entity, as their JSON; and a broker stopped mid-run costs decisions nothing, its lost
 * events counted and shown in the router's status.
 */
class KafkaExposureSinkTest {

    private static final String TOPIC = "router.exposures";
    private static final ChangeContext OPS = ChangeContext.of("ops", "test");

    @TempDir
    Path dir;

    private KafkaBroker broker;

    @BeforeEach
    void startBroker() throws Exception {
        broker = KafkaBroker.start(dir);
        assertThat(broker.bootstrapServers()).as("loopback only")
                .matches("(localhost|127\\.0\\.0\\.1):\\d+");
        broker.createTopic(TOPIC, 3);
    }

    @AfterEach
    void stopBroker() throws Exception {
        broker.close();
    }

    private static RouterConfig churn() {
        return RouterConfig.builder().model(ModelConfig.builder("churn").stableVersion("v1")
                .version(VersionConfig.builder("v1").build())
                .version(VersionConfig.builder("v2").weightBasisPoints(5_000).build())
                .build()).build();
    }

    private static RouterAdmin admin(KafkaExposureSink sink) {
        return ReleaseRouter.builder()
                .config(churn())
                .hashSecretHex("000102030405060708090a0b0c0d0e0f")
                .exposures(ExposureSettings.builder(sink).plainEntityKeys().build())
                .buildWithAdmin();
    }

    private static ComponentStatus exposures(Router r) {
        return r.status().components().get("exposures");
    }

    @Test
    void events_areKeyedByEntity_inOrderPerEntity_asTheirJson() {
        KafkaExposureSink sink = KafkaExposureSink.builder(broker.bootstrapServers(), TOPIC)
                .build();
        RouterAdmin admin = admin(sink);
        Router r = admin.router();
        int entities = 300;
        int moved = 0;
        for (int i = 0; i < entities; i++) {
            if (r.decide(RouteRequest.of("churn", "customer-" + i)).isCandidate()) {
                moved++;
            }
        }
        admin.kill(KillTarget.version("churn", "v2"), OPS); // canary entities move to v1
        for (int i = 0; i < entities; i++) {
            RouteDecision d = r.decide(RouteRequest.of("churn", "customer-" + i));
            assertThat(d.reason()).isEqualTo(Reason.KILL_SWITCH);
        }
        long exposed = (Long) exposures(r).details().get("exposed");
        r.close(); // delivers the queue, then closes the producer, which flushes

        assertThat(moved).isBetween(100, 200);
        assertThat(exposed).isEqualTo(entities + moved);
        assertThat(sink.delivered()).isEqualTo(exposed);
        assertThat(sink.failedDeliveries()).isZero();

        List<ConsumerRecord<String, String>> records = consume((int) exposed);
        Map<String, List<ExposureEvent>> byEntity = new LinkedHashMap<>();
        Map<String, Integer> partitionOf = new HashMap<>();
        for (ConsumerRecord<String, String> rec : records) {
            ExposureEvent e = ExposureJson.read(rec.value());
            assertThat(rec.key()).isEqualTo(e.entity());
            assertThat(rec.value()).isEqualTo(ExposureJson.write(e));
            assertThat(partitionOf.computeIfAbsent(rec.key(), k -> rec.partition()))
                    .as("one partition per entity").isEqualTo(rec.partition());
            byEntity.computeIfAbsent(rec.key(), k -> new ArrayList<>()).add(e);
        }
        assertThat(byEntity).hasSize(entities);
        assertThat(partitionOf.values()).as("keys spread over the partitions")
                .containsAll(List.of(0, 1, 2));
        byEntity.forEach((entity, events) -> {
            if (events.size() == 2) { // in the order decided: the canary, then the kill switch
                assertThat(events.get(0).reason()).isEqualTo(Reason.CANARY_BUCKET);
                assertThat(events.get(0).version()).isEqualTo("v2");
                assertThat(events.get(1).reason()).isEqualTo(Reason.KILL_SWITCH);
                assertThat(events.get(1).version()).isEqualTo("v1");
                assertThat(events.get(1).configRevision())
                        .isGreaterThan(events.get(0).configRevision());
            } else { // on v1 before and after the kill switch: one exposure
                assertThat(events).hasSize(1);
                assertThat(events.get(0).reason()).isEqualTo(Reason.STABLE_BUCKET);
            }
        });
    }

    @Test
    void brokerStoppedMidRun_lostEventsAreCountedAndShown_andNoDecisionWaits() {
        KafkaExposureSink sink = KafkaExposureSink.builder(broker.bootstrapServers(), TOPIC)
                .deliveryTimeout(Duration.ofSeconds(2))
                .maxBlock(Duration.ofSeconds(1))
                .closeTimeout(Duration.ofSeconds(1))
                .build();
        Router r = admin(sink).router();
        try {
            for (int i = 0; i < 50; i++) {
                r.decide(RouteRequest.of("churn", "before-" + i));
            }
            Polling.await(() -> sink.delivered() == 50);
            assertThat(exposures(r).isUp()).isTrue();

            broker.stopBroker();
            long slowest = 0;
            long start = System.nanoTime();
            for (int i = 0; i < 2_000; i++) {
                long t0 = System.nanoTime();
                r.decide(RouteRequest.of("churn", "after-" + i));
                slowest = Math.max(slowest, System.nanoTime() - t0);
            }
            long total = System.nanoTime() - start;

            assertThat(Duration.ofNanos(total)).as("2000 decisions with the broker down")
                    .isLessThan(Duration.ofSeconds(2));
            assertThat(Duration.ofNanos(slowest)).as("the slowest of them")
                    .isLessThan(Duration.ofMillis(250));
            Polling.await(() -> sink.failedDeliveries() > 0);
            ComponentStatus status = exposures(r);
            assertThat(status.state()).isEqualTo(ComponentStatus.State.DEGRADED);
            assertThat(status.error()).contains("delivery to Kafka topic " + TOPIC + " failed");
            assertThat((Long) status.details().get("sinkFailures")).isPositive();
            assertThat(r.status().degradedComponents()).containsExactly("exposures");
        } finally {
            long t0 = System.nanoTime();
            r.close();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("close with the broker down")
                    .isLessThan(Duration.ofSeconds(15));
        }
        // Every event the producer took was delivered or counted lost once it closed.
        assertThat(sink.delivered() + sink.failedDeliveries()).isEqualTo(sink.sent());
        assertThat(sink.delivered()).isEqualTo(50);
    }

    private List<ConsumerRecord<String, String>> consume(int expected) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        Map<String, Object> config = new HashMap<>(broker.consumerConfig());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config,
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        assertThat(out).as("records read back").hasSize(expected);
        // Offsets order records within a partition; sort per partition to keep that order.
        out.sort((a, b) -> a.partition() != b.partition()
                ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        return out;
    }
}
