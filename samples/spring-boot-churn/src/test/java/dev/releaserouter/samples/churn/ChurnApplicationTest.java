package dev.releaserouter.samples.churn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Starts the service on a random port and talks to it over HTTP, as the README does. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ChurnApplicationTest {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    @Test
    void scores_shadowsV2_exposesMetrics_andTheKillSwitchIsAudited() throws Exception {
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = post("/score", "{\"customerId\":\"c-" + i
                    + "\",\"tenant\":\"acme\",\"tenureMonths\":12,\"monthlySpend\":80,"
                    + "\"supportTickets\":2}");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"customerId\":\"c-" + i + "\"").contains("score");
        }

        String metrics = awaitBody("/actuator/prometheus",
                "router_shadow_calls_total{model=\"churn\",outcome=\"success\"");
        assertThat(metrics).contains("router_shadow_comparisons_total");

        String router = get("/actuator/router").body();
        assertThat(router).contains("\"churn\"").contains("\"stable\":\"v1\"")
                .contains("\"shadow\"");

        HttpResponse<String> missingReason = post("/actuator/router/churn",
                "{\"action\":\"kill\",\"actor\":\"ana\"}");
        assertThat(missingReason.statusCode()).isEqualTo(400);

        HttpResponse<String> kill = post("/actuator/router/churn",
                "{\"action\":\"kill\",\"actor\":\"ana\",\"reason\":\"drift alarm\"}");
        assertThat(kill.statusCode()).isEqualTo(200);
        assertThat(kill.body()).contains("\"all\":true");

        assertThat(get("/actuator/health").body()).contains("\"router\"");

        HttpResponse<String> unkill = post("/actuator/router/churn",
                "{\"action\":\"unkill\",\"actor\":\"ana\",\"reason\":\"false alarm\"}");
        assertThat(unkill.body()).contains("\"all\":false");
    }

    private String awaitBody(String path, String expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String body = get(path).body();
        while (!body.contains(expected) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            body = get(path).body();
        }
        assertThat(body).contains(expected);
        return body;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
