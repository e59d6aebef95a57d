package dev.releaserouter.kafka;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real, single-node Kafka broker in KRaft mode (combined broker and controller, no
 * ZooKeeper), started in this JVM with Kafka's own test kit ({@code KafkaClusterTestKit} of
 * {@code org.apache.kafka:kafka-test-common-runtime}): listeners on loopback, on free ports the
 * kit binds itself, logs in a temporary directory deleted on close.
 */
@SuppressWarnings("try") // close() may throw InterruptedException (the kit's); tests pass it on
final class KafkaBroker implements AutoCloseable {

    private final KafkaClusterTestKit cluster;

    private KafkaBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    static KafkaBroker start(Path dir) throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBaseDirectory(dir)
                .build();
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setDeleteOnClose(true)
                .build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return new KafkaBroker(cluster);
    }

    /** @return host:port of the broker's listener (loopback) */
    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    /** Stops the broker (the controller of the combined node stays up). */
    void stopBroker() {
        cluster.brokers().values().forEach(b -> {
            b.shutdown();
            b.awaitShutdown();
        });
    }

    Map<String, Object> consumerConfig() {
        return Map.of("bootstrap.servers", bootstrapServers(), "group.id", "test",
                "auto.offset.reset", "earliest", "enable.auto.commit", "false");
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
