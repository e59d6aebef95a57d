package dev.releaserouter.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code router} actuator endpoint over real HTTP (an embedded server on a loopback port):
 * refused writes answer 400/404/409 with an RFC 9457 problem body naming the field and what it
 * allows; reads give numbers and effective shares.
 */
@SpringBootTest(classes = RouterEndpointHttpTest.App.class,
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1",
                "management.endpoints.web.exposure.include=router"})
@DirtiesContext
class RouterEndpointHttpTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> post(String model, String body)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/actuator/router/" + model))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + port + "/actuator/router" + path))
                .timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static JsonNode problem(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("type").asString()).isEqualTo("about:blank");
        return body;
    }

    @Test
    void weightAbove100_is400_namingPercentAndItsRange() throws Exception {
        JsonNode p = problem(post("churn", "{\"action\":\"weight\",\"version\":\"v2\","
                + "\"percent\":120,\"actor\":\"ana\",\"reason\":\"canary\"}"), 400);

        assertThat(p.get("title").asString()).isEqualTo("Bad Request");
        assertThat(p.get("field").asString()).isEqualTo("percent");
        assertThat(p.get("detail").asString()).contains("0 to 100").contains("120");
        assertThat(p.get("allowed").toString()).contains("0 to 100");
    }

    @Test
    void aMisspelledAction_is400_listingTheActions() throws Exception {
        JsonNode p = problem(post("churn", "{\"action\":\"kil\",\"actor\":\"ana\","
                + "\"reason\":\"spike\"}"), 400);

        assertThat(p.get("field").asString()).isEqualTo("action");
        assertThat(p.get("detail").asString()).contains("'kil'");
        assertThat(p.get("allowed").toString())
                .isEqualTo("[\"kill\",\"unkill\",\"weight\",\"pause\",\"resume\",\"abort\"]");
    }

    @Test
    void aMissingReason_is400_namingTheField() throws Exception {
        JsonNode p = problem(post("churn", "{\"action\":\"kill\",\"actor\":\"ana\"}"), 400);

        assertThat(p.get("field").asString()).isEqualTo("reason");
        assertThat(p.get("detail").asString()).contains("reason is required");
    }

    @Test
    void pauseWithoutARolloutController_is409() throws Exception {
        JsonNode p = problem(post("churn", "{\"action\":\"pause\",\"actor\":\"ana\","
                + "\"reason\":\"look\"}"), 409);

        assertThat(p.get("title").asString()).isEqualTo("Conflict");
        assertThat(p.get("detail").asString()).contains("no rollout controller runs model");
    }

    @Test
    void anUnknownModel_is404_listingTheModels() throws Exception {
        JsonNode p = problem(post("nope", "{\"action\":\"kill\",\"actor\":\"ana\","
                + "\"reason\":\"x\"}"), 404);

        assertThat(p.get("allowed").toString()).contains("churn");
    }

    @Test
    void anUnknownVersion_is400_listingTheVersions() throws Exception {
        JsonNode p = problem(post("churn", "{\"action\":\"kill\",\"version\":\"v9\","
                + "\"actor\":\"ana\",\"reason\":\"x\"}"), 400);

        assertThat(p.get("field").asString()).isEqualTo("version");
        assertThat(p.get("allowed").toString()).contains("v1", "v2");
    }

    @Test
    void get_reportsNumbersAndEffectiveShares_andWarnsOfAWeightOnAStagingVersion()
            throws Exception {
        HttpResponse<String> set = post("churn", "{\"action\":\"weight\",\"version\":\"v2\","
                + "\"percent\":5,\"actor\":\"ana\",\"reason\":\"canary\"}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        try {
            JsonNode churn = get("").get("models").get("churn");

            assertThat(churn.get("stable").asString()).isEqualTo("v1");
            assertThat(churn.get("versions").get("v1").get("artifactDigest").asString())
                    .isEqualTo("sha256:1111aaaa"); // seed 000 §8: version and digest served
            JsonNode v2 = churn.get("versions").get("v2");
            assertThat(v2.has("artifactDigest")).as("none in the flag file").isFalse();
            assertThat(v2.get("weightPercent").isNumber()).isTrue();
            assertThat(v2.get("weightPercent").asInt()).isEqualTo(5);
            assertThat(v2.get("effectiveSharePercent").asInt()).isZero(); // staging
            assertThat(churn.get("versions").get("v1").get("effectiveSharePercent").asInt())
                    .isEqualTo(100);
            assertThat(churn.get("warnings").toString())
                    .contains("v2 has weight 5% but is staging");
            assertThat(churn.get("shadow").get("samplePercent").isNumber()).isTrue();
        } finally {
            post("churn", "{\"action\":\"weight\",\"version\":\"v2\",\"percent\":0,"
                    + "\"actor\":\"ana\",\"reason\":\"undo\"}");
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {}
}
