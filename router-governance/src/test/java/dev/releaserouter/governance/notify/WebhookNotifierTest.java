package dev.releaserouter.governance.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.releaserouter.api.ComponentStatus;
import dev.releaserouter.api.notify.Notification;
import dev.releaserouter.core.testing.Polling;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP webhook notifier against a real local HTTP server (seed 004 §8). */
class WebhookNotifierTest {

    static final byte[] SECRET = "s3cr3t".getBytes(StandardCharsets.UTF_8);

    LocalWebhookServer server;
    WebhookNotifier notifier;

    @AfterEach
    void tearDown() {
        if (notifier != null) {
            notifier.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static Notification promotion(String version) {
        return Notification.builder(Notification.Type.PROMOTION, "risk-default")
                .version(version).change("ops", "four-eyes ok", "CHG-10234")
                .time(Instant.parse("2026-11-10T12:00:00Z"))
                .detail("from_stage", "staging").detail("to_stage", "approved").build();
    }

    WebhookNotifier.Builder to(URI uri) {
        return WebhookNotifier.builder(uri).backoff(Duration.ofMillis(5), Duration.ofMillis(20))
                .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    @Test
    void notification_isPostedAsJson_withEventDeliveryAndHmacHeaders() throws Exception {
        server = new LocalWebhookServer();
        notifier = to(server.uri()).hmacSecret(SECRET).build();

        notifier.send(promotion("v2.3.0"));

        Polling.await(() -> notifier.stats().delivered() == 1 && notifier.stats().queued() == 0);
        LocalWebhookServer.Received r = server.received.get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        assertThat(r.header(WebhookNotifier.EVENT_HEADER)).isEqualTo("promotion");
        assertThat(r.header(WebhookNotifier.DELIVERY_HEADER)).matches("[0-9a-f-]{36}");
        assertThat(r.body()).isEqualTo("{\"event_type\":\"promotion\",\"model\":"
                + "\"risk-default\",\"version\":\"v2.3.0\",\"actor\":\"ops\",\"reason\":"
                + "\"four-eyes ok\",\"ticket\":\"CHG-10234\",\"time\":\"2026-11-10T12:00:00Z\","
                + "\"details\":{\"from_stage\":\"staging\",\"to_stage\":\"approved\"}}");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        assertThat(r.header(WebhookNotifier.SIGNATURE_HEADER)).isEqualTo("sha256="
                + HexFormat.of().formatHex(mac.doFinal(r.body()
                        .getBytes(StandardCharsets.UTF_8))));
        assertThat(notifier.stats()).isEqualTo(new WebhookNotifier.Stats(1, 1, 0, 0, 0, 0,
                null));
        assertThat(notifier.status().state()).isEqualTo(ComponentStatus.State.UP);
    }

    /**
     * Outside-tool vector: {@code printf '%s' '{"event_type":"promotion"}' | openssl dgst
     * -sha256 -hmac 's3cr3t'} (OpenSSL 3.0) prints 265edb92...607f7.
     */
    @Test
    void signature_matchesOpensslHmacSha256() {
        assertThat(WebhookNotifier.signature(SECRET, "{\"event_type\":\"promotion\"}"
                .getBytes(StandardCharsets.UTF_8))).isEqualTo("sha256="
                + "265edb920684f2062574c60cc67d5a82687f849272a98b06b47d4014add607f7");
    }

    @Test
    void without_aSecret_noSignatureHeaderIsSent_andNullsAreJsonNulls() {
        server = new LocalWebhookServer();
        notifier = to(server.uri()).build();

        notifier.send(Notification.builder(Notification.Type.ANNOUNCEMENT, "risk-default")
                .change("ops", "window tonight 22:00-23:00 UTC", null)
                .time(Instant.parse("2026-11-10T12:00:00Z")).build());

        Polling.await(() -> notifier.stats().delivered() == 1);
        LocalWebhookServer.Received r = server.received.get(0);
        assertThat(r.header(WebhookNotifier.SIGNATURE_HEADER)).isNull();
        assertThat(r.body()).contains("\"version\":null", "\"ticket\":null", "\"details\":{}");
    }

    @Test
    void serverErrors_areRetriedWithTheSameDeliveryId_untilDelivered() {
        server = new LocalWebhookServer(500, 503);
        notifier = to(server.uri()).hmacSecret(SECRET).build();

        notifier.send(promotion("v2.3.0"));

        Polling.await(() -> notifier.stats().delivered() == 1);
        assertThat(server.received).hasSize(3);
        assertThat(server.received).extracting(r -> r.header(WebhookNotifier.DELIVERY_HEADER))
                .containsOnly(server.received.get(0).header(WebhookNotifier.DELIVERY_HEADER));
        assertThat(server.received).extracting(LocalWebhookServer.Received::body)
                .containsOnly(server.received.get(0).body());
        WebhookNotifier.Stats s = notifier.stats();
        assertThat(s.attempts()).isEqualTo(3);
        assertThat(s.retries()).isEqualTo(2);
        assertThat(s.abandoned()).isZero();
        assertThat(notifier.status().state()).isEqualTo(ComponentStatus.State.UP);
    }

    @Test
    void serverErrorOnEveryAttempt_abandonsAfterMaxAttempts_andStatusIsDegraded() {
        server = new LocalWebhookServer(500, 500, 500, 500);
        notifier = to(server.uri()).maxAttempts(3).build();

        notifier.send(promotion("v2.3.0"));

        Polling.await(() -> notifier.stats().abandoned() == 1);
        assertThat(server.received).hasSize(3);
        assertThat(notifier.stats().lastError()).contains("HTTP 500", "promotion");
        ComponentStatus status = notifier.status();
        assertThat(status.state()).isEqualTo(ComponentStatus.State.DEGRADED);
        assertThat(status.error()).contains("HTTP 500");
        assertThat(status.details()).containsEntry("abandoned", 1L);

        notifier.send(promotion("v2.3.1"));
        Polling.await(() -> notifier.stats().delivered() == 1);
        assertThat(notifier.status().state()).as("a delivery clears the degradation")
                .isEqualTo(ComponentStatus.State.UP);
    }

    @Test
    void clientError_isNotRetried() {
        server = new LocalWebhookServer(400);
        notifier = to(server.uri()).build();

        notifier.send(promotion("v2.3.0"));

        Polling.await(() -> notifier.stats().abandoned() == 1);
        assertThat(server.received).hasSize(1);
        assertThat(notifier.stats().retries()).isZero();
        assertThat(notifier.stats().lastError()).contains("HTTP 400");
    }

    @Test
    void deadEndpoint_isRetried_thenAbandoned_andCountedInStatus() {
        notifier = to(LocalWebhookServer.deadEndpoint()).maxAttempts(4).build();

        notifier.send(promotion("v2.3.0"));

        Polling.await(() -> notifier.stats().abandoned() == 1);
        WebhookNotifier.Stats s = notifier.stats();
        assertThat(s.attempts()).isEqualTo(4);
        assertThat(s.retries()).isEqualTo(3);
        assertThat(s.delivered()).isZero();
        assertThat(s.lastError()).contains("ConnectException");
        assertThat(notifier.status().state()).isEqualTo(ComponentStatus.State.DEGRADED);
    }

    @Test
    void send_neverBlocks_onADeadEndpoint_andAFullQueueDropsAndCounts() {
        notifier = WebhookNotifier.builder(LocalWebhookServer.deadEndpoint())
                .backoff(Duration.ofSeconds(30), Duration.ofSeconds(30)).queueCapacity(5)
                .closeTimeout(Duration.ZERO).build();

        long start = System.nanoTime();
        for (int i = 0; i < 1_000; i++) {
            notifier.send(promotion("v" + i));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).as("1,000 sends to a dead endpoint").isLessThan(Duration.ofSeconds(2));
        assertThat(notifier.stats().dropped()).isEqualTo(995);
        assertThat(notifier.stats().queued()).isEqualTo(5);
        assertThat(notifier.status().state()).isEqualTo(ComponentStatus.State.DEGRADED);
        assertThat(notifier.status().error()).contains("queue is full");

        notifier.close();
        Polling.await(() -> notifier.stats().abandoned() == 5);
        notifier.send(promotion("after-close"));
        assertThat(notifier.stats().dropped()).isEqualTo(996);
    }

    @Test
    void close_deliversWhatIsQueuedFirst() {
        server = new LocalWebhookServer();
        notifier = to(server.uri()).build();
        for (int i = 0; i < 20; i++) {
            notifier.send(promotion("v" + i));
        }

        notifier.close();

        assertThat(notifier.stats().delivered()).isEqualTo(20);
        assertThat(server.received).extracting(r -> r.header(WebhookNotifier.EVENT_HEADER))
                .hasSize(20);
        assertThat(server.received.get(19).body()).contains("\"version\":\"v19\"");
    }

    @Test
    void builder_refusesBadSettings_namingThem() {
        assertThatThrownBy(() -> WebhookNotifier.builder(URI.create("ftp://host/x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ftp://host/x");
        assertThatThrownBy(() -> WebhookNotifier.builder(URI.create("/relative")))
                .isInstanceOf(IllegalArgumentException.class);
        WebhookNotifier.Builder b = WebhookNotifier.builder(URI.create("https://hooks.example"));
        assertThatThrownBy(() -> b.queueCapacity(0)).hasMessageContaining("queueCapacity");
        assertThatThrownBy(() -> b.maxAttempts(0)).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> b.hmacSecret(new byte[0])).hasMessageContaining("hmacSecret");
        assertThatThrownBy(() -> b.backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("backoff");
    }
}
